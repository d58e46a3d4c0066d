import { fileURLToPath } from 'node:url';

/** The repository's templates/, published by the smoke run if a project lacks them (as a deploy does). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates', import.meta.url));
