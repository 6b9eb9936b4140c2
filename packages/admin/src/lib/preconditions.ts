import type { Request } from 'express';
import { badRequest } from '../errors.js';

const ENTITY_TAG = /^"(\d{1,15})"$/;

/**
 * The number the caller read, for compare-and-set: `If-Match` (RFC 9110 §13.1.1, one strong
 * entity tag as the ETag of a GET gave it, such as `"3"`) or a body member (`expectedVersion`,
 * `expectedRevision`). Both may be given only when they agree. Undefined when neither is.
 */
export function expectedNumber(req: Request, member: string, fromBody: unknown): number | undefined {
  const header = req.headers['if-match'];
  let fromHeader: number | undefined;
  if (header !== undefined) {
    const match = ENTITY_TAG.exec(header.trim());
    if (!match)
      throw badRequest(
        'If-Match',
        `must be one entity tag as the ETag header gave it, such as "3" (with the quotes); weak tags and lists are not accepted`,
      );
    fromHeader = Number(match[1]);
  }
  let fromMember: number | undefined;
  if (fromBody !== undefined) {
    if (typeof fromBody !== 'number' || !Number.isSafeInteger(fromBody) || fromBody < 0)
      throw badRequest(member, 'must be the whole number you read (the ETag of the GET, without quotes)');
    fromMember = fromBody;
  }
  if (fromHeader !== undefined && fromMember !== undefined && fromHeader !== fromMember)
    throw badRequest(member, `says ${fromMember} but If-Match says ${fromHeader}: send one of them`);
  return fromHeader ?? fromMember;
}
