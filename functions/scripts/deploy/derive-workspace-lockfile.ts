/**
 * Derives a standalone `package-lock.json` for one npm workspace from the
 * repository's root lockfile, so `firebase deploy` (Cloud Build runs `npm ci`
 * in functions/) installs exactly the versions CI installed and tested.
 *
 * Every dependency is resolved the way Node resolved it in the workspace
 * checkout (workspace `node_modules` first, then the root's), and placed in the
 * standalone tree where it resolves to that same package: hoisted when
 * nothing else holds the name, nested under its dependent when a different
 * version of the name is already hoisted. No version is ever chosen here;
 * the result holds only entries copied from the root lockfile, and a final
 * pass proves every dependency edge resolves to the entry it did before.
 */

export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  readonly peer?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

export interface Lockfile {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

export class LockfileError extends Error {
  override readonly name = 'LockfileError';
}

const NM = 'node_modules/';

/** The package directory `path` sits in ('' for the project root), e.g. `node_modules/a/node_modules/@s/b` -> `node_modules/a`. */
function parentPackage(path: string): string {
  const index = path.lastIndexOf(`/${NM}`);
  if (index >= 0) return path.slice(0, index);
  return '';
}

/** Where Node looks for `name` from the package at `from`, nearest first (`root` is the project's own directory). */
function* searchPaths(from: string, name: string, root: string): Generator<string> {
  let dir = from;
  for (;;) {
    const base = dir === '' ? '' : `${dir}/`;
    yield `${base}${NM}${name}`;
    if (dir === '' ) return;
    if (dir === root) {
      dir = '';
      continue;
    }
    const parent = parentPackage(dir);
    dir = parent === '' && root !== '' && dir.startsWith(`${root}/`) ? root : parent;
  }
}

function resolveIn(packages: Readonly<Record<string, unknown>>, from: string, name: string, root: string): string | null {
  for (const candidate of searchPaths(from, name, root)) if (candidate in packages) return candidate;
  return null;
}

interface Edge {
  readonly name: string;
  readonly optional: boolean;
  readonly dev: boolean;
}

function edgesOf(entry: LockEntry, { includeDev }: { includeDev: boolean }): Edge[] {
  const edges: Edge[] = [];
  for (const name of Object.keys(entry.dependencies ?? {})) edges.push({ name, optional: false, dev: false });
  for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.push({ name, optional: true, dev: false });
  for (const name of Object.keys(entry.peerDependencies ?? {})) {
    edges.push({ name, optional: entry.peerDependenciesMeta?.[name]?.optional === true, dev: false });
  }
  if (includeDev) for (const name of Object.keys(entry.devDependencies ?? {})) edges.push({ name, optional: false, dev: true });
  return edges;
}

const FLAGS = ['dev', 'optional', 'devOptional', 'peer'] as const;

export function deriveWorkspaceLockfile(rootLock: Lockfile, workspace: string): Lockfile {
  if (rootLock.lockfileVersion < 2) throw new LockfileError(`lockfileVersion ${rootLock.lockfileVersion} has no "packages" map; regenerate it with npm 7 or newer.`);
  const original = rootLock.packages;
  const project = original[workspace];
  if (!project) throw new LockfileError(`The root lockfile has no workspace "${workspace}"; run npm install at the root first.`);

  // new path -> original path
  const placed = new Map<string, string>();
  const prodReached = new Set<string>();
  const optionalOnly = new Map<string, boolean>();
  const queue: Array<{ newPath: string; origPath: string; prod: boolean; optional: boolean }> = [];

  const resolveNew = (from: string, name: string): string | null => resolveIn(Object.fromEntries(placed), from, name, '');

  const link = (fromNew: string, fromOrig: string, edge: Edge, prod: boolean, optional: boolean): void => {
    const target = resolveIn(original, fromOrig, edge.name, workspace);
    if (!target || original[target]?.link) {
      if (edge.optional) return;
      throw new LockfileError(`"${fromOrig || workspace}" needs "${edge.name}", which the root lockfile does not hold; run npm install at the root.`);
    }
    const existing = resolveNew(fromNew, edge.name);
    let newPath: string;
    if (existing !== null && placed.get(existing) === target) {
      newPath = existing;
    } else if (existing === null && !placed.has(`${NM}${edge.name}`)) {
      newPath = `${NM}${edge.name}`;
    } else {
      newPath = `${fromNew === '' ? '' : `${fromNew}/`}${NM}${edge.name}`;
      if (placed.has(newPath)) throw new LockfileError(`Cannot place ${target} at ${newPath}: the place is taken.`);
    }
    const isNew = !placed.has(newPath);
    placed.set(newPath, target);
    const reachedProd = prod && !edge.dev;
    const wasProd = prodReached.has(newPath);
    if (reachedProd) prodReached.add(newPath);
    const nowOptional = optional || edge.optional;
    const wasOptional = optionalOnly.get(newPath);
    optionalOnly.set(newPath, wasOptional === undefined ? nowOptional : wasOptional && nowOptional);
    // Revisit when first placed, or when reached in a stronger way (prod after dev, required after optional).
    if (isNew || (reachedProd && !wasProd) || (wasOptional === true && !nowOptional)) {
      queue.push({ newPath, origPath: target, prod: reachedProd, optional: nowOptional });
    }
  };

  for (const edge of edgesOf(project, { includeDev: true })) link('', workspace, edge, true, false);
  while (queue.length > 0) {
    const { newPath, origPath, prod, optional } = queue.shift()!;
    const entry = original[origPath]!;
    for (const edge of edgesOf(entry, { includeDev: false })) link(newPath, origPath, edge, prod, optional);
  }

  // Proof: from every placed package, every dependency resolves to the package it resolved to before.
  for (const [newPath, origPath] of placed) {
    for (const edge of edgesOf(original[origPath]!, { includeDev: false })) {
      const before = resolveIn(original, origPath, edge.name, workspace);
      if (!before) continue;
      const now = resolveNew(newPath, edge.name);
      if (now === null || placed.get(now) !== before) {
        throw new LockfileError(`${newPath} would resolve "${edge.name}" to ${now ?? 'nothing'} instead of ${before}.`);
      }
    }
  }

  const packages: Record<string, LockEntry> = {};
  const { name, version, dependencies, devDependencies, optionalDependencies, peerDependencies, engines } = project as LockEntry & { engines?: unknown; name?: string };
  packages[''] = stripUndefined({ name, version, dependencies, devDependencies, optionalDependencies, peerDependencies, engines }) as LockEntry;
  for (const newPath of [...placed.keys()].sort()) {
    const entry: Record<string, unknown> = { ...original[placed.get(newPath)!] };
    for (const flag of FLAGS) delete entry[flag];
    // The flags npm derives from the dependency graph, recomputed for this project's graph.
    if (!prodReached.has(newPath)) entry.dev = true;
    if (optionalOnly.get(newPath)) entry.optional = true;
    packages[newPath] = entry as LockEntry;
  }
  return stripUndefined({ name, version, lockfileVersion: 3, requires: true, packages }) as unknown as Lockfile;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
