import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Two letters in a row, except the words that read the same in every language we ship. */
// Also allowed: identifiers and example values typed as data (snake_case keys, URLs, JSON).
const USER_TEXT = String.raw`^(?!\s*(CRM Pro|USD|EUR|JSON|ID|URL|OK|ISO 4217)\s*$)(?![a-z0-9_]+$)(?!https?:)(?!\s*[{[])[\s\S]*[A-Za-z]{2}`;

const TEXT_ATTRIBUTES = '^(placeholder|title|alt|aria-label|aria-placeholder|aria-roledescription|aria-valuetext|label)$';

export default tseslint.config(
  { ignores: ['functions/lib/**', '**/dist/**', '**/node_modules/**', '**/.data/**', '**/test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The SPA runs in browsers; its hooks follow React's rules.
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // We do not run the React Compiler; TanStack Table's and react-hook-form's APIs are fine without it.
      'react-hooks/incompatible-library': 'off',
    },
  },
  // User-visible text goes through i18next (en and es): no English literals in JSX text or in the
  // attributes people read (placeholder, title, alt, aria-label). Symbols, digits and
  // proper names that are the same in every language (CRM Pro, USD) are allowed below.
  {
    files: ['web/src/**/*.tsx'],
    ignores: ['web/src/embed-demo/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `JSXText[value=/${USER_TEXT}/]`,
          message: 'User-visible text must come from the i18n dictionaries: use t(\'…\') (web/src/lib/i18n/en.ts and es.ts).',
        },
        {
          selector: `JSXAttribute[name.name=/${TEXT_ATTRIBUTES}/] > Literal[value=/${USER_TEXT}/]`,
          message: 'User-visible attribute text must come from the i18n dictionaries: use t(\'…\').',
        },
        {
          // {'Text'} and {cond ? 'Text' : …} as children, or in a text attribute.
          selector: [
            `:matches(JSXElement, JSXFragment, JSXAttribute[name.name=/${TEXT_ATTRIBUTES}/]) > JSXExpressionContainer > Literal[value=/${USER_TEXT}/]`,
            `:matches(JSXElement, JSXFragment, JSXAttribute[name.name=/${TEXT_ATTRIBUTES}/]) > JSXExpressionContainer > :matches(ConditionalExpression, LogicalExpression) > Literal[value=/${USER_TEXT}/]`,
            `:matches(JSXElement, JSXFragment, JSXAttribute[name.name=/${TEXT_ATTRIBUTES}/]) > JSXExpressionContainer > TemplateLiteral > TemplateElement[value.raw=/${USER_TEXT}/]`,
          ].join(', '),
          message: 'User-visible text must come from the i18n dictionaries: use t(\'…\').',
        },
      ],
    },
  },
  {
    files: ['web/scripts/**/*.mjs', 'web/*.config.ts', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
