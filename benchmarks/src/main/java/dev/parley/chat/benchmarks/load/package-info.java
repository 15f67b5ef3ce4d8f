/**
 * The load benchmark: an open-loop load generator that speaks Parley's protocol (and a bare
 * broadcast protocol for the baselines), the baseline servers, and the runner that measures Parley
 * against them in one run. Not API.
 */
package dev.parley.chat.benchmarks.load;
