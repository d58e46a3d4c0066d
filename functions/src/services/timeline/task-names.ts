import type { MemberDirectory } from './member-directory.js';

/**
 * Task views as the task callables answer them: with the assignee's name
 * (another user's task showed a bare uid) and, for mention tasks, who
 * mentioned the assignee. One batched read for the people of the whole list.
 */
export async function withTaskNames(
  members: MemberDirectory,
  tenantId: string,
  tasks: ReadonlyArray<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
  const names = await members.namesOf(
    tenantId,
    tasks.flatMap((task) => [task.assigneeId, task.mentionedBy].filter((uid): uid is string => typeof uid === 'string')),
  );
  return tasks.map(({ mentionedBy, noteId, excerpt, ...task }) => ({
    ...task,
    assigneeName: typeof task.assigneeId === 'string' ? (names.get(task.assigneeId)?.name ?? null) : null,
    mention:
      task.kind === 'mention' && typeof noteId === 'string'
        ? { byName: typeof mentionedBy === 'string' ? (names.get(mentionedBy)?.name ?? null) : null, noteId, excerpt: typeof excerpt === 'string' ? excerpt : '' }
        : null,
  }));
}
