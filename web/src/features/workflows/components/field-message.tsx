/** The issue about one input, next to it (client or server, same words). */
export function FieldMessage({ error, testId }: { error: { message?: string } | undefined; testId?: string }) {
  if (!error?.message) return null;
  return (
    <span className="field-error" role="alert" data-testid={testId}>
      {error.message}
    </span>
  );
}
