/**
 * Which kind of function each non-callable export is. Cloud Functions runs
 * every export as its own service and names it in `FUNCTION_TARGET`; index.ts
 * uses this to load only the definitions (and SDK modules) of that kind.
 */
export type FunctionKind = 'callable' | 'trigger' | 'task' | 'http' | 'schedule';

const NON_CALLABLES: Readonly<Record<string, FunctionKind>> = {
  crmOnRecordWritten: 'trigger',
  crmRunWorkflowTask: 'task',
  crmRunMigrationTask: 'task',
  crmRunJobTask: 'task',
  crmApi: 'http',
  crmSweepDueFormulas: 'schedule',
};

export function functionKindOf(target: string): FunctionKind {
  return NON_CALLABLES[target] ?? 'callable';
}

/** Whether this process must define functions of `kind`: all of them when no target is set (deploy, embedded runtime). */
export function definesKind(kind: FunctionKind, target: string | undefined = process.env.FUNCTION_TARGET): boolean {
  return target === undefined || target === '' || functionKindOf(target) === kind;
}
