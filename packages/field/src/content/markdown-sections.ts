export { numberedItems, sections, tableRows } from '@ecm/core/domain-shapes';
