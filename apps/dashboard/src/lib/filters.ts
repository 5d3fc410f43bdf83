/**
 * How many of a page's filters narrow the list: those set to something other than "all" (an empty string,
 * undefined or null). The phone layout's collapsed filters show it on their toggle ("Filters (2 active)").
 */
export function activeFilterCount(values: readonly (string | null | undefined)[]): number {
  return values.filter((v) => v !== undefined && v !== null && v !== '').length;
}
