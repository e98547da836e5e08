import type { RuleFamily } from './types';

export const probeRules: RuleFamily = () => {};
