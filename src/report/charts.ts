/**
 * SVG charts rendered on the server with ECharts (SSR, no DOM, animation off)
 * and inlined in the HTML report: nothing loads at view time.
 * Labels pass through plain() and ECharts escapes them in the SVG text.
 */
import * as echarts from 'echarts';
import { plain } from './escape.ts';
import { grouped } from './numbers.ts';

export interface BarSeries {
  name: string;
  values: number[];
  color: string;
}

export interface BarChart {
  /** Unique in the page: prefixes the SVG's CSS classes so charts do not restyle each other. */
  id: string;
  title: string;
  categories: string[];
  series: BarSeries[];
  /** Horizontal bars read better with long category names (products, organisations). */
  horizontal?: boolean;
  width?: number;
  height?: number;
}

// No double quote inside: ECharts writes the font into a double-quoted style attribute, and an SVG
// served as a file of its own (the dashboard's charts) is read as XML, which a stray quote breaks.
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Characters that fit the slot under a vertical bar at the axis font (a 90 px label width). */
const VERTICAL_LABEL_CHARS = 12;

/**
 * A range too long for its slot under a vertical bar ("100,000–999,999")
 * goes on two lines after its dash, rather than being cut inside a number.
 */
function rangeOnTwoLines(label: string, horizontal: boolean): string {
  return !horizontal && label.length > VERTICAL_LABEL_CHARS ? label.replace('–', '–\n') : label;
}

export function barChartSvg(chart: BarChart): string {
  const width = chart.width ?? 560;
  const height = chart.height ?? Math.max(220, chart.horizontal ? 60 + chart.categories.length * 28 : 300);
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const categories = chart.categories.map((c) => rangeOnTwoLines(plain(c).slice(0, 40), chart.horizontal ?? false));
    const category = {
      type: 'category' as const,
      data: categories,
      // Long names are cut to a fixed width rather than pushed out of the picture.
      axisLabel: { fontFamily: FONT, color: '#333', interval: 0, width: chart.horizontal ? 150 : 90, overflow: 'truncate' as const },
      inverse: chart.horizontal ?? false,
    };
    const value = { type: 'value' as const, axisLabel: { fontFamily: FONT, color: '#555', formatter: (v: number) => grouped(v) }, minInterval: 1 };
    instance.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      title: { text: plain(chart.title), left: 0, top: 0, textStyle: { fontSize: 15, fontWeight: 600, color: '#1a1a1a', fontFamily: FONT } },
      legend: chart.series.length > 1 ? { top: 28, left: 0, textStyle: { fontFamily: FONT } } : undefined,
      grid: { left: 12, right: chart.horizontal ? 56 : 24, top: 64, bottom: 8, containLabel: true },
      xAxis: chart.horizontal ? value : category,
      yAxis: chart.horizontal ? category : value,
      series: chart.series.map((s) => ({
        type: 'bar',
        name: plain(s.name),
        data: s.values,
        itemStyle: { color: s.color },
        label: { show: true, position: chart.horizontal ? 'right' : 'top', fontFamily: FONT, fontSize: 11, color: '#333', formatter: (p: { value: unknown }) => grouped(Number(p.value)) },
        barMaxWidth: 36,
      })),
    });
    // ECharts numbers its instances (zr0, zr1, …): name the classes after the chart instead,
    // so the output does not depend on how many charts this process drew before.
    return instance.renderToSVGString().replace(/zr\d+-/g, `${chart.id}-`);
  } finally {
    instance.dispose();
  }
}
