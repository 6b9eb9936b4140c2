/**
 * Approximate geographic centres (latitude, longitude in degrees) of countries, by ISO 3166-1
 * alpha-2 code: the ~90 most populous countries, every EU member state and a few well-connected
 * smaller ones. Rounded to a tenth of a degree; that is far below the error of country-level
 * geolocation itself (a large country's centroid can be 2,000 km from where its users are).
 * Countries missing here locate without coordinates, and travel checks skip them.
 */
const CENTROIDS: Readonly<Record<string, readonly [number, number]>> = {
  // Most populous countries
  CN: [35.0, 103.8], IN: [22.9, 79.6], US: [39.8, -98.6], ID: [-2.5, 117.9], PK: [30.0, 69.4], NG: [9.1, 8.7],
  BR: [-10.8, -53.1], BD: [23.7, 90.3], RU: [61.5, 96.7], MX: [23.6, -102.6], ET: [8.6, 39.6], JP: [36.2, 138.3],
  PH: [12.9, 121.8], EG: [26.8, 30.8], CD: [-2.9, 23.7], VN: [16.2, 107.8], IR: [32.4, 53.7], TR: [39.0, 35.2],
  DE: [51.2, 10.4], TH: [15.1, 101.0], GB: [54.0, -2.5], FR: [46.6, 2.4], TZ: [-6.4, 34.9], ZA: [-29.0, 25.1],
  IT: [42.8, 12.5], KE: [0.2, 37.9], MM: [21.2, 96.0], CO: [4.1, -72.9], KR: [36.4, 127.9], SD: [15.5, 30.2],
  UG: [1.3, 32.4], ES: [40.2, -3.6], DZ: [28.0, 2.6], IQ: [33.2, 43.7], AR: [-35.4, -65.2], AF: [33.8, 66.0],
  YE: [15.9, 47.6], CA: [56.1, -106.3], PL: [52.1, 19.4], MA: [31.8, -7.1], AO: [-12.3, 17.5], UA: [48.4, 31.2],
  UZ: [41.4, 64.6], MY: [4.2, 102.0], MZ: [-18.7, 35.5], GH: [7.9, -1.0], PE: [-9.2, -75.0], SA: [24.0, 45.1],
  MG: [-19.4, 46.7], CI: [7.6, -5.6], NP: [28.4, 84.1], CM: [5.7, 12.7], VE: [7.1, -66.2], NE: [17.6, 8.1],
  AU: [-25.7, 134.5], KP: [40.3, 127.4], SY: [35.0, 38.5], ML: [17.6, -4.0], BF: [12.3, -1.7], TW: [23.7, 121.0],
  LK: [7.9, 80.7], MW: [-13.3, 34.3], ZM: [-13.1, 27.8], RO: [45.9, 25.0], CL: [-35.7, -71.5], KZ: [48.0, 66.9],
  TD: [15.4, 18.7], EC: [-1.8, -78.2], SO: [5.2, 46.2], GT: [15.8, -90.2], SN: [14.5, -14.5], NL: [52.2, 5.5],
  KH: [12.6, 104.9], ZW: [-19.0, 29.2], GN: [10.4, -10.9], RW: [-1.9, 29.9], BJ: [9.3, 2.3], BI: [-3.4, 29.9],
  TN: [34.0, 9.5], BO: [-16.3, -63.6], BE: [50.6, 4.6], HT: [19.0, -72.3], JO: [31.2, 36.5], DO: [18.9, -70.5],
  CU: [21.7, -79.5], SS: [7.3, 30.3], SE: [62.8, 16.7], HN: [14.8, -86.6], CZ: [49.8, 15.5], GR: [39.1, 22.0],
  AZ: [40.3, 47.7], PT: [39.6, -8.0], HU: [47.2, 19.5], AE: [23.9, 54.3], BY: [53.7, 28.0], IL: [31.4, 35.0],
  TJ: [38.9, 71.3], AT: [47.6, 14.1], CH: [46.8, 8.2], PG: [-6.3, 143.9], SG: [1.35, 103.8], HK: [22.35, 114.1],
  NZ: [-41.8, 172.5], NO: [64.6, 17.9], DK: [56.0, 9.3], FI: [64.5, 26.3], IE: [53.2, -8.2], RS: [44.0, 20.9],
  // Remaining EU member states
  BG: [42.7, 25.5], HR: [45.1, 15.2], CY: [35.0, 33.2], EE: [58.6, 25.0], LV: [56.9, 24.6], LT: [55.2, 23.9],
  LU: [49.8, 6.1], MT: [35.9, 14.4], SK: [48.7, 19.7], SI: [46.1, 14.8],
  // Others often seen in login traffic
  IS: [64.9, -18.6], QA: [25.3, 51.2], KW: [29.3, 47.5], LB: [33.9, 35.9], UY: [-32.5, -55.8], PA: [8.5, -80.1],
  CR: [9.7, -84.0], PR: [18.2, -66.5], MN: [46.9, 103.8], GE: [42.3, 43.4], AM: [40.1, 45.0], MD: [47.2, 28.5],
};

/**
 * The centroid of a country, or undefined when the table does not have it.
 *
 * @example
 * countryCentroid('DE'); // [51.2, 10.4]
 */
export function countryCentroid(country: string): readonly [number, number] | undefined {
  return Object.hasOwn(CENTROIDS, country) ? CENTROIDS[country] : undefined;
}
