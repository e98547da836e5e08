import type { RuleFamily } from './types';

export const backendRules: RuleFamily = () => {};
