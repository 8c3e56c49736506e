# Plot of alc_soak. Called by the soak test as
#   gnuplot -e "dir='OUT_DIR'" bench/soak/soak.gp
# and reads OUT_DIR/soak.dat (sessions, RSS in MiB, sessions in the table,
# seconds) and OUT_DIR/soak_empty.dat (sessions, RSS with the table empty).
if (!exists("dir")) dir = "soak-results"

set terminal pngcairo size 1200,500 font "sans,10" noenhanced
set output dir."/soak.png"
set title "alc_soak: RSS and the registry's table over the run"
set grid
set key above
set xlabel "sessions checked"
set ylabel "RSS (MiB)"
set y2label "sessions in the table"
set format x "%.0s%c"
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set y2tics
plot dir."/soak.dat" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "RSS under load (MiB)", \
     dir."/soak_empty.dat" using 1:2 with points pt 7 ps 1.5 lc rgb "#2ca02c" title "RSS with the table empty (MiB)", \
     dir."/soak.dat" using 1:3 axes x1y2 with lines lw 1 lc rgb "#ff7f0e" title "sessions in the table (live + ended, not yet evicted)"
