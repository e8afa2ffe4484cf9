/** Calls and minutes per day on uPlot. Loaded lazily with the overview (React.lazy), so the first load never pays for it. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { StatsDay } from "../lib/contract";

export default function CallsChart({ days }: { days: StatsDay[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const x = days.map((day) => Date.parse(`${day.date}T12:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: element.clientWidth,
        height: 220,
        scales: { x: { time: true } },
        series: [
          {},
          { label: "Calls", stroke: "#4f46e5", fill: "rgba(79,70,229,0.12)", width: 2 },
          { label: "Minutes", stroke: "#059669", width: 2, scale: "minutes" },
        ],
        axes: [{}, { label: "Calls" }, { side: 1, scale: "minutes", label: "Minutes", grid: { show: false } }],
      },
      [x, days.map((day) => day.calls), days.map((day) => day.minutes)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days]);
  return <div ref={box} className="w-full" role="img" aria-label={`Chart of calls and minutes per day: ${days.reduce((sum, day) => sum + day.calls, 0)} calls over ${days.length} days`} />;
}
