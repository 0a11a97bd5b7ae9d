// The root config with type-aware linting off: bench/ is plain JavaScript, outside the TypeScript project, as
// scripts/ is (ESLint uses the config nearest to each file).
import tseslint from 'typescript-eslint';
import root from '../eslint.config.mjs';

export default [...root, tseslint.configs.disableTypeChecked];
