// The layers of the tree, enforced: `npm test` fails when a layer imports
// upward or browser code imports server code. Plus the React hook rules and
// a few correctness checks. Formatting is prettier's.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Imports matching `regex` are refused, saying why. */
const restrict = (regex, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] });

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'reports/', 'test-results/', 'playwright-report/', 'data/', 'next-env.d.ts'] },
  {
    files: ['**/*.{ts,tsx,mjs}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unused-expressions': 'error',
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-self-compare': 'error',
    },
  },
  {
    files: ['components/**/*.tsx', 'app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['components/**', 'lib/client/**', 'app/**/page.tsx', 'app/layout.tsx'],
    rules: restrict(
      '^@/lib/(?!(client|model|format)/|engines/[^/]+/forms$)',
      "browser code may import only lib/client, lib/model, lib/format and an engine's forms (server code would ship to the browser)",
    ),
  },
  {
    files: ['lib/model/**', 'lib/format/**'],
    rules: restrict('^@/lib/(?!(model|format)/)', 'the model and formatting are the bottom layer: they import nothing else of lib'),
  },
  {
    files: ['lib/engines/**'],
    rules: restrict(
      '^@/(lib/api/|lib/runtime/|lib/collector/|lib/store/|lib/actions/|lib/auth/|lib/notify/|lib/client/|lib/support/|lib/http/route$|components/|app/)',
      'an engine is a layer below the store, the collector and the services: it returns data, the layers above record it',
    ),
  },
  {
    files: ['lib/store/**', 'lib/bus/**'],
    rules: restrict(
      '^@/(lib/engines/|lib/collector/|lib/api/|lib/runtime/|lib/actions/|lib/triage/|lib/notify/|lib/auth/|lib/http/|components/|app/)',
      'the store and the bus know only the model',
    ),
  },
  {
    files: ['lib/collector/**', 'lib/triage/**', 'lib/actions/**', 'lib/notify/**', 'lib/auth/**', 'lib/support/**'],
    rules: restrict('^@/(lib/api/|lib/runtime/|lib/http/route$|components/|app/)', 'a lower layer must not import the services, the runtime or the UI'),
  },
  {
    files: ['app/api/**'],
    rules: restrict(
      '^@/lib/(?!(api|http)/)',
      'a route handler parses input, calls one service in lib/api and maps its error (lib/http): it reaches nothing else',
    ),
  },
  // Tests and tools may reach across layers to set things up.
  { files: ['**/*.test.ts', '**/*.suite.ts', 'e2e/**', 'bench/**'], rules: { 'no-restricted-imports': 'off' } },
);
