import type { Services } from '../create-services.js';
import { AttachmentsService } from './attachments-service.js';
import { MemberDirectory } from './member-directory.js';
import { NotesService } from './notes-service.js';
import { RecordTasksService } from './record-tasks-service.js';

/**
 * The timeline feature's services, built on first use from the instance's
 * services (no line in create-services: the feature loads with its
 * callables, and an instance that never serves one never builds it).
 */
export interface TimelineServices {
  readonly members: MemberDirectory;
  readonly notes: NotesService;
  readonly attachments: AttachmentsService;
  readonly tasks: RecordTasksService;
}

const built = new WeakMap<Services, TimelineServices>();

export function timelineFor(services: Services, now?: () => Date): TimelineServices {
  let timeline = built.get(services);
  if (!timeline) {
    const members = new MemberDirectory(services.store);
    timeline = { members, notes: new NotesService(services, members, now), attachments: new AttachmentsService(services, now), tasks: new RecordTasksService(services, members, now) };
    built.set(services, timeline);
  }
  return timeline;
}
