import { fieldAccessFor } from '../access/field-security.js';
import { createInterface } from 'node:readline';
import { resolveModule } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { tenantFiles } from '../files/file-store.js';
import type { JobHandler, JobSliceContext } from '../jobs/job-handler.js';
import { countListRecords, listRecords, MAX_PAGE_SIZE } from '../records/list-records.js';
import { moduleNotFound } from '../records/records-service.js';
import { exportColumns, exportRow } from './export-columns.js';
import { recordExportFinished } from './export-log.js';
import { ExportCursorSchema, ExportParamsSchema, INITIAL_EXPORT_CURSOR, type ExportCursor, type ExportParams } from './export-params.js';
import { requireExportRight } from './export-rights.js';
import { csvBytes, EXPORT_CONTENT_TYPES, xlsxBytes } from './export-writers.js';
import type { ExportCell } from './neutralize-cell.js';
import { resolveJobCaller } from './job-caller.js';

/**
 * Rows per part file. A slice holds at most one part in memory (~1–2 MB of
 * formatted cells), whatever the size of the module.
 */
export const ROWS_PER_PART = 2_000;
/** Time kept before the slice's deadline to write the part and checkpoint. */
const SAFETY_MS = 1_500;

/**
 * The `export` job. Phase `rows`: page through crmListRecords' own query
 * (same filters, search, sort, read_own scoping and cursors as the list the
 * user sees), format each page, and write every ROWS_PER_PART rows to a part
 * file under the job's folder, checkpointing the list cursor after each
 * part. A retried slice rewrites the same part from the same cursor, so no
 * row is written twice. Phase `assemble`: stream the parts, in order, through
 * the CSV or XLSX writer into the final file (one pass, constant memory),
 * delete the parts, record the export.
 */
export const exportJobHandler: JobHandler = {
  kind: 'export',
  runSlice: runExportSlice,
};

export async function runExportSlice(context: JobSliceContext): Promise<{ done: boolean }> {
  const { services, tenantId, job } = context;
  const params = parseParams(job.params);
  const cursor = parseCursor(job.cursor);
  // Rights are checked again at every slice: a job outlives the click that started it.
  const caller = await resolveJobCaller(services.identity, tenantId, params.actor);
  const config = await services.configs.require(tenantId);
  const module = resolveModule(config, params.module);
  if (!module) throw moduleNotFound(params.module);
  requireExportRight(caller, config, module);

  const access = fieldAccessFor(caller, config);
  const canRead = (key: string) => access.canRead(module.slug, key);
  let state = cursor;
  if (state.phase === 'rows') {
    const columns = exportColumns({
      module,
      fields: params.fields,
      format: params.format,
      language: params.language,
      timeZone: config.timezone,
      canRead,
    });
    const stopAt = context.deadline - SAFETY_MS;
    if (state.listCursor === null && state.rows === 0) {
      // A total for the progress bar when the index answers the whole view (one read per 1,000 rows).
      const total = await countListRecords(services, caller, { module: module.slug, ...params.view });
      if (total !== null) await context.checkpoint({ total });
    }
    let { listCursor, parts, rows, scanned } = state;
    let part: string[] = [];
    let finished = false;
    do {
      const page = await listRecords(services, caller, {
        module: module.slug,
        ...params.view,
        pageSize: MAX_PAGE_SIZE,
        ...(listCursor ? { cursor: listCursor } : {}),
        scannedBefore: scanned,
      });
      for (const record of page.records) part.push(JSON.stringify(exportRow(columns, record)));
      listCursor = page.nextCursor;
      scanned = page.plan.scanned;
      finished = page.nextCursor === null;
      const full = part.length >= ROWS_PER_PART;
      if (finished || full || Date.now() >= stopAt) {
        if (part.length > 0) {
          parts += 1;
          await services.files.write(partPath(tenantId, job.id, parts), `${part.join('\n')}\n`, { contentType: 'application/x-ndjson' });
        }
        rows += part.length;
        state = { phase: finished ? 'assemble' : 'rows', listCursor, parts, rows, scanned };
        await context.checkpoint({ cursor: state, done: part.length });
        part = [];
        if (finished || Date.now() >= stopAt) break;
      }
    } while (!finished);
    if (!finished) return { done: false };
  }

  if (state.phase === 'assemble') {
    await assemble(context, params, state, module.slug, config.timezone, canRead);
    state = { ...state, phase: 'cleanup' };
  }
  // Parts go only once the finished file and the result are checkpointed: a crash in between re-runs this step alone.
  for (let index = 1; index <= state.parts; index += 1) await services.files.delete(partPath(tenantId, job.id, index));
  return { done: true };
}

async function assemble(context: JobSliceContext, params: ExportParams, state: ExportCursor, moduleSlug: string, timeZone: string | undefined, canRead: (key: string) => boolean) {
  const { services, tenantId, job } = context;
  const config = await services.configs.require(tenantId);
  const module = resolveModule(config, moduleSlug);
  if (!module) throw moduleNotFound(moduleSlug);
  const latest = state;
  const header = exportColumns({ module, fields: params.fields, format: params.format, language: params.language, timeZone, canRead }).map(
    (column) => column.header,
  );
  const batches = readParts(services.files, tenantId, job.id, latest.parts);
  const body = params.fileType === 'csv' ? csvBytes(header, batches) : xlsxBytes(header, batches, params.module);
  const file = tenantFiles.jobOutput(tenantId, job.id, params.fileName);
  const { size } = await services.files.write(file, body, { contentType: EXPORT_CONTENT_TYPES[params.fileType] });
  const result = { file, fileName: params.fileName, fileType: params.fileType, rows: latest.rows, size };
  await recordExportFinished(services.store, tenantId, job.id, { rows: latest.rows, size });
  await context.checkpoint({ cursor: { ...latest, phase: 'cleanup' }, result, total: latest.rows });
}

function partPath(tenantId: string, jobId: string, index: number): string {
  return tenantFiles.jobOutput(tenantId, jobId, `part-${String(index).padStart(5, '0')}.jsonl`);
}

/** The part files as row batches, one part at a time. */
async function* readParts(
  files: JobSliceContext['services']['files'],
  tenantId: string,
  jobId: string,
  parts: number,
): AsyncIterable<ExportCell[][]> {
  for (let index = 1; index <= parts; index += 1) {
    const stream = await files.read(partPath(tenantId, jobId, index));
    const rows: ExportCell[][] = [];
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line !== '') rows.push(JSON.parse(line) as ExportCell[]);
    }
    yield rows;
  }
}

function parseParams(params: unknown): ExportParams {
  const parsed = ExportParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidInput([{ path: 'params', message: 'this export job has invalid parameters' }]);
  return parsed.data;
}

function parseCursor(cursor: unknown): ExportCursor {
  if (cursor === null || cursor === undefined) return INITIAL_EXPORT_CURSOR;
  const parsed = ExportCursorSchema.safeParse(cursor);
  if (!parsed.success) throw new CrmError(CRM_ERROR_CODES.precondition, 'This export job has a damaged cursor; start the export again.');
  return parsed.data;
}
