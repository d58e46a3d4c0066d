import { defineTextLikeType } from './define-text-like-type.js';

export const textFieldType = defineTextLikeType({ type: 'text', defaultMaxLength: 1_000, searchableByDefault: true });
