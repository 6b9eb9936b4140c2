import { randomBytes } from 'node:crypto';

// Journey ids: 128 random bits, drawn from a pool refilled 256 ids at a time (one
// randomBytes call per 256 journeys instead of one per journey).
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** A new journey id: 128 random bits, base64url (22 characters). */
export function newJourneyId(): string {
  if (idOffset >= idPool.length) {
    idPool = randomBytes(16 * 256);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + 16);
  idOffset += 16;
  return id;
}
