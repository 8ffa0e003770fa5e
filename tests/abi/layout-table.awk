# layout-table.awk -- turn the ABI ledger (docs/abi-versions) into the table
# that tests/abi/layout.c prints: one macro call per struct size, struct
# member and numeric constant.  With -v maxminor=N only names added in 1.0
# to 1.N are emitted (the frozen 1.0 header knows nothing newer).
/^[ \t]*#/ || NF < 3 { next }
{
    split($3, v, ".")
    if (maxminor != "" && v[2] + 0 > maxminor + 0)
        next
}
$2 == "struct" { printf "S2N_LAYOUT_SIZE(%s)\n", $1 }
$2 == "member" { split($1, m, "."); printf "S2N_LAYOUT_MEMBER(%s, %s)\n", m[1], m[2] }
$2 == "const"  { printf "S2N_LAYOUT_CONST(%s)\n", $1 }
