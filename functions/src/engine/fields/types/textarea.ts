import { defineTextLikeType } from './define-text-like-type.js';

export const textareaFieldType = defineTextLikeType({ type: 'textarea', defaultMaxLength: 10_000, searchableByDefault: true, facet: false });
