import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Layer boundaries, enforced (CONVENTIONS.md "three rings"; bulletproof-react's
 * restricted zones). The engine is pure: the SPA runs it too, so it may not
 * reach the store, services, API, adapters, wiring, Firebase or Node. SPA
 * features do not import each other (app -> features -> shared).
 */
const ENGINE_FORBIDDEN = [
  {
    group: ['**/store/**', '**/services/**', '**/api/**', '**/adapters/**', '**/wiring/**', '**/runtime/**', '**/index.js'],
    message: 'engine/ is pure: it may not import the store, services, api, adapters, wiring or runtime.',
  },
  {
    group: ['firebase', 'firebase/*', 'firebase-admin', 'firebase-admin/*', 'firebase-functions', 'firebase-functions/*', '@google-cloud/*', 'express'],
    message: 'engine/ runs in the SPA too: no Firebase or server SDKs.',
  },
  { group: ['node:*'], message: 'engine/ runs in the SPA too: no Node built-ins.' },
];

const FEATURES = readdirSync(fileURLToPath(new globalThis.URL('./web/src/features', import.meta.url)), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** One block per feature: any path into another feature (absolute-ish or relative at any depth) is refused. */
const featureZones = FEATURES.map((feature) => {
  const others = FEATURES.filter((other) => other !== feature);
  return {
    files: [`web/src/features/${feature}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: others.flatMap((other) => [`**/features/${other}`, `**/features/${other}/**`, `../${other}/**`, `../../${other}/**`, `../../../${other}/**`]),
              message: `SPA features do not import each other: move what ${feature} needs from another feature into web/src/lib or web/src/components.`,
            },
          ],
        },
      ],
    },
  };
});

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
    files: ['functions/src/engine/**/*.ts'],
    ignores: ['functions/src/engine/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ENGINE_FORBIDDEN }] },
  },
  {
    // Services get adapters as ports from the wiring; they never pick one themselves.
    files: ['functions/src/services/**/*.ts'],
    ignores: ['functions/src/services/**/*.test.ts', 'functions/src/services/**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/wiring/**', '**/runtime/**', '**/api/**', 'firebase-admin', 'firebase-admin/*', '@google-cloud/*'],
              message: 'services/ use ports: adapters are chosen in wiring/ and passed in (see wiring/instance-services.ts).',
            },
          ],
        },
      ],
    },
  },
  ...featureZones,
  {
    files: ['web/scripts/**/*.mjs', 'functions/scripts/**/*.mjs', 'web/*.config.ts', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
