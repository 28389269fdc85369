/**
 * Variable items of A-ASSOCIATE-RQ / -AC (PS3.8 9.3.2.1-9.3.2.3, 9.3.3.1-9.3.3.3) and the
 * user information sub-items of PS3.8 Annex D.
 */
import { FieldReader } from './reader.ts';
import { item, latin1, reserved, u32, u8, UlEncodeError } from './writer.ts';

/** Item types, PS3.8 Table 9-11, 9-12 ff. and Annex D. */
export const ITEM_TYPE = {
  applicationContext: 0x10, // 9.3.2.1
  presentationContextRq: 0x20, // 9.3.2.2
  presentationContextAc: 0x21, // 9.3.3.2
  abstractSyntax: 0x30, // 9.3.2.2.1
  transferSyntax: 0x40, // 9.3.2.2.2
  userInformation: 0x50, // 9.3.2.3
  maximumLength: 0x51, // D.1
  implementationClassUid: 0x52, // D.3.3.2
  asynchronousOperationsWindow: 0x53, // D.3.3.3
  scpScuRoleSelection: 0x54, // D.3.3.4
  implementationVersionName: 0x55, // D.3.3.2
  sopClassExtendedNegotiation: 0x56, // D.3.3.5
  sopClassCommonExtendedNegotiation: 0x57, // D.3.3.6
  userIdentityRq: 0x58, // D.3.3.7
  userIdentityAc: 0x59, // D.3.3.7
} as const;

/** PS3.8 9.3.2.2: one proposed abstract syntax with its transfer syntaxes. */
export interface PresentationContextRq {
  /** Odd integer 1..255. */
  readonly id: number;
  readonly abstractSyntax: string;
  readonly transferSyntaxes: readonly string[];
}

/** PS3.8 9.3.3.2: the acceptor's answer for one proposed context. */
export interface PresentationContextAc {
  readonly id: number;
  /** PS3.8 9.3.3.2 result/reason: 0 acceptance … 4 transfer syntaxes not supported (see reasons.ts). */
  readonly result: number;
  /** Only significant when result is 0; absent when the sub-item is missing or empty. */
  readonly transferSyntax?: string;
}

/**
 * A user information sub-item this codec does not interpret. Only its type and length are
 * kept: some (user identity, D.3.3.7) carry credentials, which we never hold on to.
 */
export interface UnknownSubItem {
  readonly itemType: number;
  readonly length: number;
}

/** PS3.8 9.3.2.3 / Annex D. A missing user information item decodes as `{}`. */
export interface UserInformation {
  /** D.1 maximum length received; 0 means no limit. */
  readonly maxLength?: number;
  readonly implementationClassUid?: string;
  readonly implementationVersionName?: string;
  /** Present only when at least one uninterpreted sub-item was seen (encoded as zero bytes). */
  readonly unknownSubItems?: readonly UnknownSubItem[];
}

/** What A-ASSOCIATE-RQ and -AC carry after their fixed fields. */
export interface AssociateItems<C> {
  readonly applicationContextName: string;
  readonly presentationContexts: readonly C[];
  readonly userInformation: UserInformation;
}

// ---------------------------------------------------------------- decoding

/** Reads one item header: item type, reserved, 2-byte item length; returns type and body. */
function readItem(r: FieldReader, nameOf: (type: number) => string): { type: number; name: string; start: number; body: FieldReader } {
  const start = r.offset;
  const type = r.u8('item type');
  const name = nameOf(type);
  r.reserved(1, `${name} reserved`);
  const body = r.lengthPrefixed(2, `${name} length`);
  return { type, name, start, body };
}

function itemName(type: number): string {
  switch (type) {
    case ITEM_TYPE.applicationContext: return 'application context item';
    case ITEM_TYPE.presentationContextRq:
    case ITEM_TYPE.presentationContextAc: return 'presentation context item';
    case ITEM_TYPE.userInformation: return 'user information item';
    case ITEM_TYPE.abstractSyntax: return 'abstract syntax sub-item';
    case ITEM_TYPE.transferSyntax: return 'transfer syntax sub-item';
    case ITEM_TYPE.maximumLength: return 'maximum length sub-item';
    case ITEM_TYPE.implementationClassUid: return 'implementation class UID sub-item';
    case ITEM_TYPE.implementationVersionName: return 'implementation version name sub-item';
    default: return `item 0x${type.toString(16).padStart(2, '0')}`;
  }
}

/**
 * Variable items of an A-ASSOCIATE-RQ (`contextItemType` 0x20) or -AC (0x21).
 * Lenient like an observer should be: item types PS3.8 does not define for this PDU are
 * skipped, a repeated item keeps its first occurrence, cardinalities are not policed,
 * except that the application context name is required because the value needs it.
 */
export function decodeAssociateItems<C>(
  r: FieldReader,
  contextItemType: number,
  decodeContext: (body: FieldReader, start: number) => C,
): AssociateItems<C> {
  let applicationContextName: string | undefined;
  const presentationContexts: C[] = [];
  let userInformation: UserInformation | undefined;
  while (r.hasMore('item type')) {
    const it = readItem(r, itemName);
    if (it.type === ITEM_TYPE.applicationContext) {
      const name = it.body.restText('application context name'); // PS3.8 9.3.2.1
      applicationContextName ??= name;
    } else if (it.type === contextItemType) {
      presentationContexts.push(decodeContext(it.body, it.start));
    } else if (it.type === ITEM_TYPE.userInformation) {
      const info = decodeUserInformation(it.body);
      userInformation ??= info;
    } else {
      it.body.rest(`${it.name} body`);
    }
  }
  if (applicationContextName === undefined) {
    r.fail('MISSING_ITEM', 'application context item', 'PS3.8 9.3.2 requires one application context item', r.offset);
  }
  return { applicationContextName, presentationContexts, userInformation: userInformation ?? {} };
}

/** PS3.8 9.3.2.2: ID, 3 reserved bytes, one abstract syntax and 1..n transfer syntax sub-items. */
export function decodePresentationContextRq(body: FieldReader, start: number): PresentationContextRq {
  const id = body.u8('presentation context ID');
  body.reserved(3, 'presentation context reserved');
  let abstractSyntax: string | undefined;
  const transferSyntaxes: string[] = [];
  while (body.hasMore('sub-item type')) {
    const sub = readItem(body, itemName);
    if (sub.type === ITEM_TYPE.abstractSyntax) {
      const uid = sub.body.restText('abstract syntax name');
      abstractSyntax ??= uid;
    } else if (sub.type === ITEM_TYPE.transferSyntax) {
      transferSyntaxes.push(sub.body.restText('transfer syntax name'));
    } else {
      sub.body.rest(`${sub.name} body`);
    }
  }
  if (abstractSyntax === undefined) {
    body.fail('MISSING_ITEM', 'abstract syntax sub-item', `presentation context ${id} proposes no abstract syntax (PS3.8 9.3.2.2)`, start);
  }
  return { id, abstractSyntax, transferSyntaxes };
}

/** PS3.8 9.3.3.2: ID, reserved, result/reason, reserved, one transfer syntax sub-item. */
export function decodePresentationContextAc(body: FieldReader): PresentationContextAc {
  const id = body.u8('presentation context ID');
  body.reserved(1, 'presentation context reserved');
  const result = body.u8('presentation context result/reason');
  body.reserved(1, 'presentation context reserved');
  let transferSyntax: string | undefined;
  while (body.hasMore('sub-item type')) {
    const sub = readItem(body, itemName);
    if (sub.type === ITEM_TYPE.transferSyntax) {
      const uid = sub.body.restText('transfer syntax name');
      transferSyntax ??= uid;
    } else {
      sub.body.rest(`${sub.name} body`);
    }
  }
  return transferSyntax ? { id, result, transferSyntax } : { id, result };
}

/** PS3.8 9.3.2.3 and Annex D. */
function decodeUserInformation(body: FieldReader): UserInformation {
  let maxLength: number | undefined;
  let implementationClassUid: string | undefined;
  let implementationVersionName: string | undefined;
  const unknownSubItems: UnknownSubItem[] = [];
  while (body.hasMore('user information sub-item type')) {
    const sub = readItem(body, itemName);
    if (sub.type === ITEM_TYPE.maximumLength) {
      if (sub.body.declaredRemaining !== 4) {
        body.fail('BAD_ITEM_LENGTH', 'maximum length sub-item length', `is ${sub.body.declaredRemaining}, PS3.8 D.1 fixes it at 4`, sub.start + 2);
      }
      const v = sub.body.u32('maximum length received');
      maxLength ??= v;
    } else if (sub.type === ITEM_TYPE.implementationClassUid) {
      const v = sub.body.restText('implementation class UID');
      implementationClassUid ??= v;
    } else if (sub.type === ITEM_TYPE.implementationVersionName) {
      const v = sub.body.restText('implementation version name');
      implementationVersionName ??= v;
    } else {
      // Skipped unread: only type and length are kept (credentials may live here, D.3.3.7).
      const length = sub.body.declaredRemaining;
      sub.body.rest(`${sub.name} body`);
      unknownSubItems.push({ itemType: sub.type, length });
    }
  }
  return {
    ...(maxLength !== undefined && { maxLength }),
    ...(implementationClassUid !== undefined && { implementationClassUid }),
    ...(implementationVersionName !== undefined && { implementationVersionName }),
    ...(unknownSubItems.length > 0 && { unknownSubItems }),
  };
}

// ---------------------------------------------------------------- encoding

const INTERPRETED_SUB_ITEMS: readonly number[] = [ITEM_TYPE.maximumLength, ITEM_TYPE.implementationClassUid, ITEM_TYPE.implementationVersionName];

/** Application context, the (already encoded) presentation context items, user information. */
export function encodeAssociateItems(applicationContextName: string, presentationContexts: readonly Buffer[], userInformation: UserInformation): Buffer[] {
  return [
    item(ITEM_TYPE.applicationContext, [latin1(applicationContextName, 'application context name')], 'application context item'),
    ...presentationContexts,
    encodeUserInformation(userInformation),
  ];
}

export function encodePresentationContextRq(c: PresentationContextRq): Buffer {
  return item(ITEM_TYPE.presentationContextRq, [
    u8(c.id, 'presentation context ID'),
    reserved(3),
    item(ITEM_TYPE.abstractSyntax, [latin1(c.abstractSyntax, 'abstract syntax name')], 'abstract syntax sub-item'),
    ...c.transferSyntaxes.map((ts) => item(ITEM_TYPE.transferSyntax, [latin1(ts, 'transfer syntax name')], 'transfer syntax sub-item')),
  ], 'presentation context item');
}

/** An absent transfer syntax is sent as an empty sub-item: PS3.8 9.3.3.2 always has one. */
export function encodePresentationContextAc(c: PresentationContextAc): Buffer {
  return item(ITEM_TYPE.presentationContextAc, [
    u8(c.id, 'presentation context ID'),
    reserved(1),
    u8(c.result, 'presentation context result/reason'),
    reserved(1),
    item(ITEM_TYPE.transferSyntax, [latin1(c.transferSyntax ?? '', 'transfer syntax name')], 'transfer syntax sub-item'),
  ], 'presentation context item');
}

function encodeUserInformation(info: UserInformation): Buffer {
  const subItems: Buffer[] = [];
  if (info.maxLength !== undefined) {
    subItems.push(item(ITEM_TYPE.maximumLength, [u32(info.maxLength, 'maximum length received')], 'maximum length sub-item'));
  }
  if (info.implementationClassUid !== undefined) {
    subItems.push(item(ITEM_TYPE.implementationClassUid, [latin1(info.implementationClassUid, 'implementation class UID')], 'implementation class UID sub-item'));
  }
  if (info.implementationVersionName !== undefined) {
    subItems.push(item(ITEM_TYPE.implementationVersionName, [latin1(info.implementationVersionName, 'implementation version name')], 'implementation version name sub-item'));
  }
  for (const u of info.unknownSubItems ?? []) {
    if (INTERPRETED_SUB_ITEMS.includes(u.itemType)) {
      throw new UlEncodeError('INVALID_VALUE', 'unknown sub-item type', `0x${u.itemType.toString(16)} is interpreted; set its field instead`);
    }
    if (!Number.isInteger(u.length) || u.length < 0 || u.length > 0xffff) {
      throw new UlEncodeError('OUT_OF_RANGE', 'user information sub-item length', `${u.length} is not an integer in 0..65535`);
    }
    subItems.push(item(u.itemType, [Buffer.alloc(u.length)], 'user information sub-item'));
  }
  return item(ITEM_TYPE.userInformation, subItems, 'user information item');
}
