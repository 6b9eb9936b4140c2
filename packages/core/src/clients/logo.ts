import { CLIENT_LIMITS } from './schema.js';
import type { ClientLogo } from './types.js';

/** The signature bytes each accepted image type starts with. */
const MAGIC: Record<ClientLogo['contentType'], readonly number[][]> = {
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [
    [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
    [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  ],
};

/**
 * Decodes a client's `logo` data URL, or returns the problem: a JPEG, GIF or PNG image (its
 * bytes must be one, whatever the URL says) of at most 1 MB.
 */
export function decodeLogo(dataUrl: string): ClientLogo | string {
  const parts = /^data:image\/(png|jpeg|jpg|gif);base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!parts) return 'must be a data URL of a JPEG, GIF or PNG image ("data:image/png;base64,...")';
  const contentType = (parts[1] === 'jpg' ? 'image/jpeg' : `image/${parts[1]}`) as ClientLogo['contentType'];
  const bytes = new Uint8Array(Buffer.from(parts[2] as string, 'base64'));
  if (bytes.byteLength > CLIENT_LIMITS.logoBytes)
    return `is ${bytes.byteLength} bytes; a logo is at most 1 MB (${CLIENT_LIMITS.logoBytes} bytes): make the image smaller`;
  if (!MAGIC[contentType].some((magic) => magic.every((byte, i) => bytes[i] === byte)))
    return `is not a ${contentType.slice(6).toUpperCase()} image; give a JPEG, GIF or PNG file's bytes with their own media type`;
  return Object.freeze({ contentType, bytes });
}
