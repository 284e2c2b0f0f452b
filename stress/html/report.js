// SPDX-License-Identifier: GPL-2.0
/*
 * The plots of `pinstress report`: drawn by dygraphs (Debian's
 * libjs-dygraphs, inlined into the page by pinstress) from the report's
 * timeline, which pinstress also inlined.  Each sample is an interval
 * [t0, t1]: its counts are drawn as a rate over it, as steps.  Failures,
 * expected failures, kernel log records and round starts are vertical
 * lines on every plot.  The body records what happened for a headless
 * browser to check: data-plots (how many were drawn), data-js-errors.
 */
(function () {
	'use strict';
	var body = document.body;

	window.addEventListener('error', function (e) {
		body.dataset.jsErrors = (body.dataset.jsErrors || '') + e.message + '; ';
	});
	var run = JSON.parse(document.getElementById('run-data').textContent);
	var samples = (run.timeline && run.timeline.samples) || [];
	var drawn = 0;
	var marks = [];		/* [time, colour] */

	(run.errors || []).forEach(function (e) { marks.push([e.time_s, '#c62828']); });
	(run.expected_failures || []).forEach(function (e) { marks.push([e.time_s, '#ef6c00']); });
	((run.kernel_log && run.kernel_log.lines) || []).forEach(function (l) {
		marks.push([l.time_s, '#6a1b9a']);
	});
	for (var i = 1; i < samples.length; i++) {
		if (Object.keys(samples[i].jobs).join() !== Object.keys(samples[i - 1].jobs).join())
			marks.push([samples[i].t0, '#9e9e9e']);
	}

	function drawMarks(ctx, area, g) {
		marks.forEach(function (m) {
			if (typeof m[0] !== 'number')
				return;
			var x = g.toDomXCoord(m[0]);
			if (x < area.x || x > area.x + area.w)
				return;
			ctx.strokeStyle = m[1];
			ctx.lineWidth = 1.5;
			ctx.beginPath();
			ctx.moveTo(x, area.y);
			ctx.lineTo(x, area.y + area.h);
			ctx.stroke();
		});
	}

	/*
	 * One plot: @series is a list of [label, function(sample) -> number or
	 * null]; each value is divided by the sample's span when @rate.
	 */
	function plot(id, ylabel, series, rate) {
		var el = document.getElementById(id);
		var rows = [];

		if (!el)
			return;
		series = series.filter(function (s) {
			return samples.some(function (smp) { return s[1](smp); });
		});
		if (!samples.length || !series.length) {
			el.className = 'note';
			el.textContent = samples.length ? 'Nothing moved here during the run.' :
				'No timeline in this report (a run older than the timeline, or one that ended before its first sample).';
			return;
		}
		samples.forEach(function (s) {
			var span = Math.max(s.t1 - s.t0, 1e-3);
			rows.push([s.t0].concat(series.map(function (f) {
				var v = f[1](s);
				return v === null || v === undefined ? null : (rate ? v / span : v);
			})));
		});
		/* Steps: the last sample's value holds until its end. */
		var last = rows[rows.length - 1].slice();
		last[0] = samples[samples.length - 1].t1;
		rows.push(last);
		if (typeof Dygraph === 'undefined') {
			el.className = 'note';
			el.textContent = 'Plots need dygraphs, which was not found where this page was made ' +
				'(apt-get install libjs-dygraphs, or pinstress report --js FILE).';
			return;
		}
		var legend = document.createElement('div');
		/* A soak's hundreds of jobs: name only those non-zero where the pointer is. */
		var many = series.length > 16;

		legend.className = 'legendkey';
		el.parentNode.insertBefore(legend, el.nextSibling);
		new Dygraph(el, rows, {
			labelsDiv: legend,
			labels: ['time (s)'].concat(series.map(function (s) { return s[0]; })),
			ylabel: ylabel,
			xlabel: 'seconds since the run started',
			stepPlot: true,
			connectSeparatedPoints: false,
			legend: many ? 'onmouseover' : 'always',
			labelsShowZeroValues: !many,
			labelsSeparateLines: false,
			includeZero: true,
			labelsKMB: true,
			axes: { y: { axisLabelWidth: 60 } },
			underlayCallback: drawMarks,
		});
		drawn++;
	}

	function jobNames() {
		var seen = {}, names = [];
		samples.forEach(function (s) {
			Object.keys(s.jobs).forEach(function (n) {
				if (!seen[n]) {
					seen[n] = true;
					names.push(n);
				}
			});
		});
		return names;
	}

	function jobField(name, f) {
		return function (s) {
			var j = s.jobs[name];
			return j ? f(j) : null;
		};
	}

	var jobs = jobNames();
	plot('plot-ops', 'operations / s', jobs.map(function (n) {
		return [n, jobField(n, function (j) { return j.ops; })];
	}), true);

	var faults = [];
	jobs.forEach(function (n) {
		samples.some(function (s) {
			var j = s.jobs[n];
			if (!j)
				return false;
			Object.keys(j.faults).forEach(function (f) {
				faults.push([n + ' ' + f + ' confirmed', jobField(n, function (jj) {
					return jj.faults[f] ? jj.faults[f].confirmed : null;
				})]);
			});
			return true;
		});
	});
	plot('plot-faults', 'confirmed injections / s', faults, true);

	/* /proc/vmstat: swap in pages, the rest in events; their scales differ a thousandfold. */
	var vm = {};
	samples.forEach(function (s) { Object.keys(s.vmstat || {}).forEach(function (k) { vm[k] = true; }); });
	function vmSeries(swap) {
		return Object.keys(vm).filter(function (k) {
			return (k.indexOf('psw') === 0) === swap;
		}).map(function (k) {
			return [k, function (s) { return s.vmstat ? s.vmstat[k] : null; }];
		});
	}
	plot('plot-swap', 'pages / s (/proc/vmstat)', vmSeries(true), true);
	plot('plot-vmstat', 'events / s (/proc/vmstat)', vmSeries(false), true);

	plot('plot-cpu', 'CPU % (all CPUs)', [
		['user', function (s) { return s.cpu_user_pct; }],
		['sys', function (s) { return s.cpu_sys_pct; }],
	], false);

	body.dataset.plots = String(drawn);
}());
