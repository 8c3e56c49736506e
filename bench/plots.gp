# Plots of alc_session_bench. Called by the benchmark as
#   gnuplot -e "dir='RESULTS_DIR'" bench/plots.gp
# and reads RESULTS_DIR/{throughput,latency,resume}.dat ("-" = not measured).
if (!exists("dir")) dir = "session-bench-results"

set terminal pngcairo size 1400,700 font "sans,10" noenhanced
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key above
set xtics rotate by -40 left nomirror
set logscale y
set format y "%.0s%c"

set output dir."/throughput.png"
set title "Sessions per second (higher is better; log scale)"
set ylabel "sessions/s"
plot dir."/throughput.dat" using 2:xtic(1) title "alc" lc rgb "#1f77b4", \
     "" using 3 title "raw Lua C API (limit)" lc rgb "#7f7f7f", \
     "" using 4 title "thread per session" lc rgb "#d62728"

set format y "%.0s%c"
set output dir."/latency.png"
set title "Spawn -> done latency per session, closed loop at full load (lower is better; log scale)"
set ylabel "microseconds"
plot dir."/latency.dat" using 2:xtic(1) title "alc p50" lc rgb "#9ecae1", \
     "" using 3 title "alc p90" lc rgb "#4292c6", \
     "" using 4 title "alc p99" lc rgb "#08519c", \
     "" using 5 title "thread/session p50" lc rgb "#fcbba1", \
     "" using 6 title "thread/session p90" lc rgb "#fb6a4a", \
     "" using 7 title "thread/session p99" lc rgb "#a50f15"

set output dir."/resume.png"
set title "Resume -> next pause, one resume at a time with N sessions held (lower is better; log scale)"
set ylabel "microseconds"
set xtics norotate
plot dir."/resume.dat" using 2:xtic(1) title "alc p50" lc rgb "#9ecae1", \
     "" using 3 title "alc p90" lc rgb "#4292c6", \
     "" using 4 title "alc p99" lc rgb "#08519c", \
     "" using 5 title "thread/session p50" lc rgb "#fcbba1", \
     "" using 6 title "thread/session p90" lc rgb "#fb6a4a", \
     "" using 7 title "thread/session p99" lc rgb "#a50f15"
