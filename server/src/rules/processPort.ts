import type { RuleFamily } from './types';

export const processPortRules: RuleFamily = () => {};
