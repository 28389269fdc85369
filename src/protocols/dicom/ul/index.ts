/** DICOM Upper Layer (PS3.8): the public face of this folder; import from here. */
export * from './pdu.ts';
export * from './framer.ts';
export * from './reasons.ts';
export * from './fsm.ts';
export * from './contexts.ts';
export { ITEM_TYPE } from './items.ts';
