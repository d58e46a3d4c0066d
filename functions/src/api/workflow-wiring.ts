/**
 * Adapters from the Firebase events of the workflow functions to plain
 * domain values, so index.ts stays wiring and the embedded runtime (which
 * produces the same values itself) runs identical service code.
 */
import type { DocumentChange, DocumentData } from '../store/document-store.js';
import { fromSdk } from '../store/firestore/firestore-store.js';
import type { TaskEnvelope } from '../services/workflows/task-scheduler.js';

interface SnapshotLike {
  readonly exists: boolean;
  data(): unknown;
}

/** A Firestore `onDocumentWritten` event as the port's change; `eventId` is the event's id, stable across redeliveries. */
export function toDocumentChange(event: {
  id: string;
  time: string;
  document: string;
  data?: { before?: SnapshotLike; after?: SnapshotLike } | undefined;
}): DocumentChange {
  const read = (snapshot: SnapshotLike | undefined): DocumentData | null =>
    snapshot?.exists ? (fromSdk(snapshot.data() ?? {}) as DocumentData) : null;
  const before = read(event.data?.before);
  const after = read(event.data?.after);
  return {
    eventId: event.id,
    kind: !before ? 'created' : after ? 'updated' : 'deleted',
    path: event.document,
    before,
    after,
    time: new Date(event.time),
  };
}

export function toTaskEnvelope(data: unknown): TaskEnvelope {
  const envelope = data as Partial<TaskEnvelope> | null;
  if (!envelope || typeof envelope.name !== 'string' || typeof envelope.notBefore !== 'string' || typeof envelope.payload !== 'object') {
    throw new Error('crmRunWorkflowTask: malformed task payload');
  }
  return envelope as TaskEnvelope;
}
