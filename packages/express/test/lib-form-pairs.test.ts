import { describe, expect, it } from '@jest/globals';
import { formPairs } from '../src/lib/form-pairs.js';

const whatwg = (text: string) => [...new URLSearchParams(text)];

describe('formPairs: the pairs URLSearchParams gives', () => {
  it.each([
    '',
    'a=1&b=2',
    'a=1&&b=2&',
    '&=&a&=x&b=',
    'a=b=c',
    'sp=a+b&plus=%2B&pct=%25&amp=%26&eq=%3D',
    'utf=%C3%A9%E2%82%AC%F0%9F%98%80&raw=é€😀',
    'bad=%zz&x=1',
    'trunc=%C3&x=1',
    'lone=%ED%A0%80',
    'lonecont=%A9',
    'pct=%',
    'pct2=%4',
    'bom=%EF%BB%BF',
    'semi=a;b=c',
    'k%20ey+x=v',
    'lone-raw=\uD800x',
    'latin1-raw=Ã%A9',
    'nul=%00',
  ])('%j', (text) => {
    expect(formPairs(text)).toEqual(whatwg(text));
  });

  it('agrees on random strings over a hostile alphabet', () => {
    const alphabet = ['a', 'b', '=', '&', '+', '%', '2', 'B', 'C', '3', 'A', '9', 'E', 'F', 'D', '0', 'é', '😀', '\uD800', '\uDC00', ' ', ';'];
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 20000; i++) {
      let text = '';
      const length = rand(16);
      for (let j = 0; j < length; j++) text += alphabet[rand(alphabet.length)];
      expect(formPairs(text)).toEqual(whatwg(text));
    }
  });
});
