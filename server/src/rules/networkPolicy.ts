import type { RuleFamily } from './types';

export const networkPolicyRules: RuleFamily = () => {};
