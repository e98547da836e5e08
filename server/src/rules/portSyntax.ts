import type { RuleFamily } from './types';

export const portSyntaxRules: RuleFamily = () => {};
