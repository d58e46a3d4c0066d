import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * One CRM per data folder: two runtimes on the same store file would silently
 * overwrite each other's writes. The lock holds the owner's pid; a lock whose
 * process is gone (crash, kill -9) is taken over.
 */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'runtime.lock';
/** Folders locked by this process: the pid in the file cannot tell two stacks of one process apart. */
const lockedHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const key = resolve(dataDir);
  await mkdir(key, { recursive: true });
  const path = join(key, LOCK_FILE);
  const holder = lockedHere.has(key) ? process.pid : await lockHolder(key);
  if (holder !== null && (holder !== process.pid || lockedHere.has(key))) {
    throw new DataDirInUseError(
      `The data folder ${dataDir} is in use by another CRM (process ${holder}). Stop it first, or start with another --data-dir.`,
    );
  }
  lockedHere.add(key);
  await writeFile(path, `${process.pid}\n`);
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      lockedHere.delete(key);
      if ((await lockHolder(key)) === process.pid) await rm(path, { force: true });
    },
  };
}

/** The pid of the live process holding the folder, or null. */
export async function lockHolder(dataDir: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
