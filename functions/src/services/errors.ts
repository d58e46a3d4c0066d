/**
 * The one error type services throw. Codes are ours; `toHttpsErrorCode` in the
 * API layer is the single place that maps them to callable error codes.
 */
export const CRM_ERROR_CODES = {
  unauthenticated: 'unauthenticated',
  invalidInput: 'invalid-input',
  notMember: 'not-member',
  crmNotEnabled: 'crm-not-enabled',
  forbidden: 'forbidden',
  notFound: 'not-found',
  alreadyExists: 'already-exists',
  templateLocked: 'template-locked',
  templateNotSelected: 'template-not-selected',
  versionConflict: 'version-conflict',
  precondition: 'precondition',
  contention: 'contention',
} as const;

export type CrmErrorCode = (typeof CRM_ERROR_CODES)[keyof typeof CRM_ERROR_CODES];

export interface FieldIssue {
  /** Path of the offending input, e.g. `data.email` or `field.options`. */
  readonly path: string;
  readonly message: string;
}

export class CrmError extends Error {
  override readonly name = 'CrmError';
  constructor(
    readonly code: CrmErrorCode,
    /** A sentence a user can act on; never another tenant's identifiers. */
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

export function invalidInput(issues: readonly FieldIssue[], summary?: string): CrmError {
  const message =
    summary ?? issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new CrmError(CRM_ERROR_CODES.invalidInput, message, issues);
}

export function isCrmError(error: unknown, code?: CrmErrorCode): error is CrmError {
  return error instanceof CrmError && (code === undefined || error.code === code);
}
