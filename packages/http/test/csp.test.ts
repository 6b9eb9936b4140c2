import { describe, expect, it } from '@jest/globals';
import { contentSecurityPolicy } from '@waymark/http';

describe('contentSecurityPolicy', () => {
  it('allows same-origin styles, images and form posts only', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; img-src 'self'; style-src 'self'",
    );
  });

  it('widens form-action to the origins a form may redirect to', () => {
    expect(contentSecurityPolicy(['https://app.example.com'])).toContain("form-action 'self' https://app.example.com;");
  });
});
