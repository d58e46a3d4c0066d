/**
 * `npx tsx functions/scripts/generate-import-csv.ts --rows 100000 --out /tmp/patients.csv [--module patients|medical_records] [--doctors 50] [--invalid 0.02]`
 *
 * Writes a Hospital-template CSV for the import bench and tests: `patients`
 * (unique Patient ID, a Primary doctor relationship column naming doctors by
 * name) or `medical_records` (no unique field; Patient and Doctor
 * relationship columns naming patients and doctors). A seeded PRNG makes the same
 * file every time; `--invalid` of the rows (2% by default) carry one error each
 * (a bad email, date or choice, an unknown doctor, a missing required value), and the
 * script prints how many, so a bench can check the error file. Streams to
 * disk: memory stays flat whatever `--rows`.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};

export const GENERATOR_FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim'];
export const GENERATOR_LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Perlman', 'Lee'];

/** The doctor names the generated rows refer to (the bench creates these doctors first). */
export function doctorName(i: number): string {
  return `Dr. ${GENERATOR_FIRST[i % GENERATOR_FIRST.length]} ${GENERATOR_LAST[Math.floor(i / GENERATOR_FIRST.length) % GENERATOR_LAST.length]} ${i}`;
}

/** The patient names `medical_records` rows refer to (the bench creates these patients first). */
export function patientName(i: number): string {
  return `${GENERATOR_FIRST[i % GENERATOR_FIRST.length]} ${GENERATOR_LAST[i % GENERATOR_LAST.length]} ${i}`;
}

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedFile {
  readonly rows: number;
  readonly invalid: number;
}

export async function generateImportCsv(options: { rows: number; out: string; module: 'patients' | 'medical_records'; doctors: number; invalid: number; patients?: number }): Promise<GeneratedFile> {
  const random = prng(42);
  const out = createWriteStream(options.out);
  let invalid = 0;
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  if (options.module === 'patients') await write('Patient ID,Full name,Date of birth,Phone,Email,Status,Primary doctor\r\n');
  else await write('Title,Record type,Patient,Doctor,Visit date,Diagnosis\r\n');
  const statuses = ['New', 'Active', 'Discharged'];
  const types = ['Consultation Note', 'Lab Result', 'Prescription', 'Imaging'];
  for (let i = 1; i <= options.rows; i += 1) {
    const bad = random() < options.invalid ? Math.floor(random() * 4) : -1;
    if (bad >= 0) invalid += 1;
    const doctor = bad === 2 ? 'Dr. Nobody At All' : doctorName(Math.floor(random() * options.doctors));
    const day = `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (options.module === 'patients') {
      const name = patientName(i);
      const cells = [
        `P-${i}`,
        bad === 3 ? '' : name,
        bad === 1 ? '31/31/2001' : day,
        `+1 555 ${String(i % 10000).padStart(4, '0')}`,
        bad === 0 ? `patient${i}-at-example.com` : `patient${i}@example.com`,
        statuses[i % statuses.length] ?? 'New',
        doctor,
      ];
      await write(`${cells.map(csvCell).join(',')}\r\n`);
    } else {
      const patient = patientName(1 + Math.floor(random() * (options.patients ?? 1000)));
      const cells = [
        bad === 3 ? '' : `Visit ${i}`,
        bad === 0 ? 'Horoscope' : (types[i % types.length] ?? 'Lab Result'),
        patient,
        doctor,
        bad === 1 ? '2026-02-30' : `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        `Diagnosis, "note" ${i}`,
      ];
      await write(`${cells.map(csvCell).join(',')}\r\n`);
    }
  }
  out.end();
  await once(out, 'finish');
  return { rows: options.rows, invalid };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const module = arg('module', 'patients') === 'medical_records' ? 'medical_records' : 'patients';
  const result = await generateImportCsv({
    rows: Number(arg('rows', '100000')),
    out: arg('out', `/tmp/import-${module}.csv`),
    module,
    doctors: Number(arg('doctors', '50')),
    invalid: Number(arg('invalid', '0.02')),
  });
  console.log(JSON.stringify(result));
}
