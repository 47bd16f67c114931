/** A module that exports no model: `cai` says what it does export. */
export const answer = 42;
export function helper(): number {
  return answer;
}
