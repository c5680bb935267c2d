//go:build !purego

#include "textflag.h"

// Matrix-multiply micro-kernels for amd64 (see gemm_amd64.go and the top of
// matmul.go). Each computes a column of register tiles of C from packed
// panels:
//
//	for t = 0 .. count-1:        (one tile: mr rows of C at c + t·mr·ldc)
//	    acc = load ? C tile : +0
//	    for p = 0 .. kc-1:       acc[r][j] = fma(a[t][p][r], b[p][j], acc[r][j])
//	    C tile = acc
//
// a points to count A micro-panels laid end to end, each kc steps of mr
// values (a_{i,p} for the tile's mr rows i); b to one B micro-panel, kc
// steps of nr values (b_{p,j} for the panel's nr columns j). The B panel
// is read again for every tile, from L1.
//
// VFMADD231PD computes each lane as one fused multiply-add (one rounding),
// exactly math.FMA; lanes never mix. So every c_ij is the chain
// fma(a_i,kc-1, b_kc-1,j, ... fma(a_i0, b_0j, acc)), in increasing p, the
// same bits as the portable kernel and the definition in matmul.go.

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
// Reads XCR0, the register state the operating system saves and restores.
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// ---- AVX-512: 8×16 tiles ------------------------------------------------------
//
// Register map:
//	R8   tiles left                 R9   kc
//	SI   A: current step of the current micro-panel (8 values = 64 bytes a step)
//	R10  start of the B micro-panel  BX  B: current step (16 values = 128 bytes)
//	DI   C: row 0 of the current tile; R11 = ldc in bytes; AX walks the rows
//	CX   step counter
//	Z0, Z1     b_p,0..7 and b_p,8..15
//	Z2..Z5     a_rp broadcast to 8 lanes
//	Z16..Z31   the tile: row r in Z(16+2r) (columns 0..7) and Z(17+2r) (8..15)
//
// Each step loads the 16 values of B, broadcasts the 8 of A and does 16
// FMAs. 16 independent sums keep both FMA units busy through their
// 4-cycle latency.

// One step p: acc += a_p × b_p. Each a_rp is broadcast to a register
// first (Z2..Z5 in turn, so that four rows can be in flight): on Zen 5
// this ran at the FMA units' peak, about 110 GFLOP/s, where FMAs taking
// a_rp straight from memory ({1to8} broadcast operands) reached only 96.
#define STEP512 \
	VMOVUPD 0(BX), Z0; \
	VMOVUPD 64(BX), Z1; \
	VBROADCASTSD 0(SI), Z2; \
	VFMADD231PD Z0, Z2, Z16; \
	VFMADD231PD Z1, Z2, Z17; \
	VBROADCASTSD 8(SI), Z3; \
	VFMADD231PD Z0, Z3, Z18; \
	VFMADD231PD Z1, Z3, Z19; \
	VBROADCASTSD 16(SI), Z4; \
	VFMADD231PD Z0, Z4, Z20; \
	VFMADD231PD Z1, Z4, Z21; \
	VBROADCASTSD 24(SI), Z5; \
	VFMADD231PD Z0, Z5, Z22; \
	VFMADD231PD Z1, Z5, Z23; \
	VBROADCASTSD 32(SI), Z2; \
	VFMADD231PD Z0, Z2, Z24; \
	VFMADD231PD Z1, Z2, Z25; \
	VBROADCASTSD 40(SI), Z3; \
	VFMADD231PD Z0, Z3, Z26; \
	VFMADD231PD Z1, Z3, Z27; \
	VBROADCASTSD 48(SI), Z4; \
	VFMADD231PD Z0, Z4, Z28; \
	VFMADD231PD Z1, Z4, Z29; \
	VBROADCASTSD 56(SI), Z5; \
	VFMADD231PD Z0, Z5, Z30; \
	VFMADD231PD Z1, Z5, Z31; \
	ADDQ $64, SI; \
	ADDQ $128, BX

// Row r of the tile from or to (AX), then AX moves to the next row.
#define LOADROW512(lo, hi) \
	VMOVUPD 0(AX), lo; \
	VMOVUPD 64(AX), hi; \
	ADDQ R11, AX

#define STOREROW512(lo, hi) \
	VMOVUPD lo, 0(AX); \
	VMOVUPD hi, 64(AX); \
	ADDQ R11, AX

// PREFETCHC fetches 8 rows of 16 values of C (two cache lines each),
// starting at (reg) with a row stride of R11 bytes; it advances reg.
#define PREFETCHC(reg) \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg); \
	ADDQ R11, reg; \
	PREFETCHT0 0(reg); \
	PREFETCHT0 64(reg)

// func gemmTilesAVX512(count, kc int, a, b, c *float64, ldc int, load bool)
TEXT ·gemmTilesAVX512(SB), NOSPLIT, $0-49
	MOVQ count+0(FP), R8
	MOVQ kc+8(FP), R9
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), R10
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), R11
	SHLQ $3, R11
	MOVBLZX load+48(FP), R12
	TESTQ R8, R8
	JZ done512

tile512:
	// The starting sums: the C tile, or +0.
	TESTL R12, R12
	JZ zero512
	MOVQ DI, AX
	LOADROW512(Z16, Z17)
	LOADROW512(Z18, Z19)
	LOADROW512(Z20, Z21)
	LOADROW512(Z22, Z23)
	LOADROW512(Z24, Z25)
	LOADROW512(Z26, Z27)
	LOADROW512(Z28, Z29)
	LOADROW512(Z30, Z31)
	JMP steps512

zero512:
	VPXORQ Z16, Z16, Z16
	VPXORQ Z17, Z17, Z17
	VPXORQ Z18, Z18, Z18
	VPXORQ Z19, Z19, Z19
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23
	VPXORQ Z24, Z24, Z24
	VPXORQ Z25, Z25, Z25
	VPXORQ Z26, Z26, Z26
	VPXORQ Z27, Z27, Z27
	VPXORQ Z28, Z28, Z28
	VPXORQ Z29, Z29, Z29
	VPXORQ Z30, Z30, Z30
	VPXORQ Z31, Z31, Z31

steps512:
	// Fetch the next tile's rows of C into L1 while this tile computes
	// (C can be far bigger than L2; prefetches never fault).
	TESTL R12, R12
	JZ nopf512
	MOVQ R11, AX
	SHLQ $3, AX
	ADDQ DI, AX
	PREFETCHC(AX)
nopf512:
	MOVQ R10, BX
	// kc/4 passes of four steps, then kc%4 single steps.
	MOVQ R9, CX
	SHRQ $2, CX
	JZ tail512

loop512:
	STEP512
	STEP512
	STEP512
	STEP512
	DECQ CX
	JNZ loop512

tail512:
	MOVQ R9, CX
	ANDQ $3, CX
	JZ store512

single512:
	STEP512
	DECQ CX
	JNZ single512

store512:
	MOVQ DI, AX
	STOREROW512(Z16, Z17)
	STOREROW512(Z18, Z19)
	STOREROW512(Z20, Z21)
	STOREROW512(Z22, Z23)
	STOREROW512(Z24, Z25)
	STOREROW512(Z26, Z27)
	STOREROW512(Z28, Z29)
	STOREROW512(Z30, Z31)

	// Next tile: SI is already at the next A micro-panel; C moves 8 rows.
	MOVQ AX, DI
	DECQ R8
	JNZ tile512

done512:
	VZEROUPPER
	RET

// ---- AVX2: 6×8 tiles ------------------------------------------------------------
//
// Register map (16 YMM registers):
//	R8, R9, SI, R10, BX, DI, R11, AX, CX as above; A steps are 6 values
//	(48 bytes), B steps 8 values (64 bytes)
//	Y0, Y1     b_p,0..3 and b_p,4..7
//	Y2, Y3     a_rp broadcast to 4 lanes (two, so that rows can overlap)
//	Y4..Y15    the tile: row r in Y(4+2r) (columns 0..3) and Y(5+2r) (4..7)
//
// AVX2 has no broadcast operand for FMA, so each a_rp is broadcast into a
// register first.

#define STEP256 \
	VMOVUPD 0(BX), Y0; \
	VMOVUPD 32(BX), Y1; \
	VBROADCASTSD 0(SI), Y2; \
	VFMADD231PD Y0, Y2, Y4; \
	VFMADD231PD Y1, Y2, Y5; \
	VBROADCASTSD 8(SI), Y3; \
	VFMADD231PD Y0, Y3, Y6; \
	VFMADD231PD Y1, Y3, Y7; \
	VBROADCASTSD 16(SI), Y2; \
	VFMADD231PD Y0, Y2, Y8; \
	VFMADD231PD Y1, Y2, Y9; \
	VBROADCASTSD 24(SI), Y3; \
	VFMADD231PD Y0, Y3, Y10; \
	VFMADD231PD Y1, Y3, Y11; \
	VBROADCASTSD 32(SI), Y2; \
	VFMADD231PD Y0, Y2, Y12; \
	VFMADD231PD Y1, Y2, Y13; \
	VBROADCASTSD 40(SI), Y3; \
	VFMADD231PD Y0, Y3, Y14; \
	VFMADD231PD Y1, Y3, Y15; \
	ADDQ $48, SI; \
	ADDQ $64, BX

#define LOADROW256(lo, hi) \
	VMOVUPD 0(AX), lo; \
	VMOVUPD 32(AX), hi; \
	ADDQ R11, AX

#define STOREROW256(lo, hi) \
	VMOVUPD lo, 0(AX); \
	VMOVUPD hi, 32(AX); \
	ADDQ R11, AX

// func gemmTilesAVX2(count, kc int, a, b, c *float64, ldc int, load bool)
TEXT ·gemmTilesAVX2(SB), NOSPLIT, $0-49
	MOVQ count+0(FP), R8
	MOVQ kc+8(FP), R9
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), R10
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), R11
	SHLQ $3, R11
	MOVBLZX load+48(FP), R12
	TESTQ R8, R8
	JZ done256

tile256:
	TESTL R12, R12
	JZ zero256
	MOVQ DI, AX
	LOADROW256(Y4, Y5)
	LOADROW256(Y6, Y7)
	LOADROW256(Y8, Y9)
	LOADROW256(Y10, Y11)
	LOADROW256(Y12, Y13)
	LOADROW256(Y14, Y15)
	JMP steps256

zero256:
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

steps256:
	MOVQ R10, BX
	MOVQ R9, CX
	SHRQ $2, CX
	JZ tail256

loop256:
	STEP256
	STEP256
	STEP256
	STEP256
	DECQ CX
	JNZ loop256

tail256:
	MOVQ R9, CX
	ANDQ $3, CX
	JZ store256

single256:
	STEP256
	DECQ CX
	JNZ single256

store256:
	MOVQ DI, AX
	STOREROW256(Y4, Y5)
	STOREROW256(Y6, Y7)
	STOREROW256(Y8, Y9)
	STOREROW256(Y10, Y11)
	STOREROW256(Y12, Y13)
	STOREROW256(Y14, Y15)

	MOVQ AX, DI
	DECQ R8
	JNZ tile256

done256:
	VZEROUPPER
	RET
