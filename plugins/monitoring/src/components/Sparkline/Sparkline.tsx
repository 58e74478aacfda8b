/** The line's path segments (nulls leave gaps) and lone points, in SVG coordinates. */
export function sparklineShapes(
  values: Array<number | null>,
  width: number,
  height: number,
) {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) =>
    max > 0 ? height - 2 - (v / max) * (height - 4) : height - 2;
  const segments: string[] = [];
  const dots: Array<[number, number]> = [];
  let run: Array<[number, number]> = [];
  const flush = () => {
    // A lone point draws no line: it is shown as a dot.
    if (run.length === 1) dots.push(run[0]);
    else if (run.length > 1)
      segments.push(
        run
          .map(
            ([x, yy], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${yy.toFixed(1)}`,
          )
          .join(''),
      );
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) flush();
    else run.push([i * step, y(v)]);
  });
  flush();
  return { segments, dots };
}

/** A tiny SVG line of hourly values; the maximum fills the height. */
export function Sparkline(props: {
  values: Array<number | null>;
  color: string;
  width?: number;
  height?: number;
  label: string;
}) {
  const { values, color, width = 72, height = 18, label } = props;
  const { segments, dots } = sparklineShapes(values, width, height);
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      {segments.map(d => (
        <path key={d} d={d} fill="none" stroke={color} strokeWidth={1.5} />
      ))}
      {dots.map(([x, y]) => (
        <circle
          key={`${x},${y}`}
          cx={Math.min(Math.max(x, 2), width - 2)}
          cy={y}
          r={2}
          fill={color}
        />
      ))}
    </svg>
  );
}
