/** Pure edits of the permission editor's draft (tested beside). */
export const ROLES = ['owner', 'admin', 'member'] as const;
export const ACTIONS = ['*', 'create', 'read', 'read_own', 'update', 'update_own', 'delete', 'delete_own', 'export'] as const;
export const FIELD_LEVELS = ['edit', 'read', 'none'] as const;

export type Matrix = Partial<Record<string, Record<string, string[]>>>;
export type FieldLevels = Partial<Record<string, Record<string, Record<string, 'edit' | 'read' | 'none'>>>>;

export function toggleAction(matrix: Matrix, role: string, module: string, action: string): Matrix {
  const current = matrix[role]?.[module] ?? [];
  const next = current.includes(action) ? current.filter((candidate) => candidate !== action) : [...current, action];
  return { ...matrix, [role]: { ...(matrix[role] ?? {}), [module]: next } };
}

export function levelOf(levels: FieldLevels, role: string, module: string, field: string): 'edit' | 'read' | 'none' {
  return levels[role]?.[module]?.[field] ?? 'edit';
}

/** Sets one level; `edit` is the default, so it is removed rather than stored (empty maps too). */
export function withLevel(levels: FieldLevels, role: string, module: string, field: string, level: 'edit' | 'read' | 'none'): FieldLevels {
  const fields = { ...(levels[role]?.[module] ?? {}) };
  if (level === 'edit') delete fields[field];
  else fields[field] = level;
  const modules = { ...(levels[role] ?? {}), [module]: fields };
  if (Object.keys(fields).length === 0) delete modules[module];
  const next = { ...levels, [role]: modules };
  if (Object.keys(modules).length === 0) delete next[role];
  return next;
}
