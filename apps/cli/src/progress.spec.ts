import { Progress } from './progress';

/** A stderr stand-in that keeps what was written. */
function sink(isTTY: boolean): NodeJS.WriteStream & { lines: string[] } {
  const lines: string[] = [];
  return { isTTY, lines, write: (chunk: string) => lines.push(chunk) > 0 } as unknown as NodeJS.WriteStream & { lines: string[] };
}

describe('Progress', () => {
  it('writes JSON lines off a terminal: throttled while running, the end once', () => {
    const out = sink(false);
    const progress = new Progress('rebuild all', out);
    progress.update(10, 100);
    progress.update(20, 100); // within 5 s of the last line: skipped
    for (let part = 0; part < 4; part += 1) progress.update(100, 100, 'done');
    progress.finish('rebuilt');
    expect(out.lines.map((line) => (line.startsWith('{') ? JSON.parse(line).done : line.trim()))).toEqual([10, 100, 'rebuilt']);
    expect(JSON.parse(out.lines[1]!)).toMatchObject({ progress: 'rebuild all', total: 100, percent: 100, note: 'done' });
  });

  it('redraws one bar in place on a terminal', () => {
    const out = sink(true);
    const progress = new Progress('export', out);
    progress.update(50, 100);
    progress.update(100, 100);
    progress.finish('exported');
    expect(out.lines[0]).toMatch(/^\rexport \[#{15}\.{15}\] 50\.0% 50\/100/);
    expect(out.lines[1]).toMatch(/^\rexport \[#{30}\] 100\.0% 100\/100/);
    expect(out.lines.slice(2)).toEqual(['\n', 'exported\n']);
  });
});
