import type { RuleFamily } from './types';

export const nodePortRules: RuleFamily = () => {};
