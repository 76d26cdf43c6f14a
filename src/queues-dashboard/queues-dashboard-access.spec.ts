import { acceptQuality } from './queues-dashboard-access';

describe('acceptQuality', () => {
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('takes the most specific range that matches, whatever its place', () => {
    expect(acceptQuality(BROWSER, 'text/html')).toBe(1);
    expect(acceptQuality(BROWSER, 'application/json')).toBe(0.8);
    expect(acceptQuality('*/*;q=0.1, text/*;q=0.5, text/html;q=0.3', 'text/html')).toBe(0.3);
    expect(acceptQuality('*/*;q=0.1, text/*;q=0.5', 'text/html')).toBe(0.5);
  });

  it('gives 0 to a type no range matches, and reads a malformed q as 0', () => {
    expect(acceptQuality('application/json', 'text/html')).toBe(0);
    expect(acceptQuality('text/html;q=abc', 'text/html')).toBe(0);
  });

  it('ignores case and spaces', () => {
    expect(acceptQuality(' Text/HTML ; q=0.7 ,application/json', 'text/html')).toBe(0.7);
  });
});
