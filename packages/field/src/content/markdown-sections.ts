export { numberedItems, sections, tableRows } from '@ecm/core/light';
