/**
 * A valid S256 code challenge (43 base64url characters): the example of RFC 7636 Appendix B,
 * for the verifier `dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`.
 */
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
