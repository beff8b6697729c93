/* SPDX-License-Identifier: ISC */
/* manifest/cdc.c - FastCDC over a gear hash (cdc.h: each constant's origin). */
#include "manifest/cdc.h"

#include "port/ban.h"

/* SplitMix64 from AU_CDC_GEAR_SEED, 256 outputs (cdc.h; test_cdc checks). */
const uint64_t au_cdc_gear[256] = {
	0xe376c51681802e78ULL, 0x8d522946dcaf3760ULL, 0x4ad3b862b41041c8ULL,
	0xd7ffbc418c3b479aULL, 0x6b76e765fd90b040ULL, 0xb96dc707d7af2bf6ULL,
	0x7c099a5b98182eafULL, 0x4ccfb4c65965f114ULL, 0x4e2ac467a4b134feULL,
	0x163c8e4e16033380ULL, 0x5c45ee2358bb19d3ULL, 0xf0ae517e6319ee6fULL,
	0x305003f8f28844e6ULL, 0xd3abd6fea6e585f6ULL, 0x60e54aebcc1db9d8ULL,
	0x6ccf88b7458f030eULL, 0x6dc630e421b615eeULL, 0x38df516a0972ce2aULL,
	0xd1bb150da9c61df7ULL, 0xe0bb7c58d2a3d373ULL, 0xcefdc48f406c2fe5ULL,
	0x3c302bfff0d0e5a6ULL, 0x2055208ec0a0985fULL, 0xf9b4f8b5595165ccULL,
	0xd2cd925ff942404eULL, 0x422936da8a57631eULL, 0x000553554e6b391cULL,
	0x437e69796691c054ULL, 0x7b539277181bff1aULL, 0x043886ba4301fc2aULL,
	0xc40eec40bee97d4aULL, 0x4869223b42afb5c5ULL, 0xb737884cc142451fULL,
	0x97d756c22463c75dULL, 0x315cc258d4f165c6ULL, 0xe514f2251b72f3ebULL,
	0xeaf9d13f36164e2dULL, 0x837c848fc55c0516ULL, 0xb07cff84c04e3307ULL,
	0x2aebc16526047f0bULL, 0xcdaf3dac4336da96ULL, 0x72e543326f48a86bULL,
	0xebdd98fe88e8aa88ULL, 0x417c914d5291b7b7ULL, 0xd8c962424e4a3333ULL,
	0x81fb0f414a6cd76dULL, 0xcbebe2c877e564acULL, 0xe219ef4e1bfbca2cULL,
	0x2ae715257cfe617bULL, 0x54e5116e46a2f0c7ULL, 0xe2a499dab0f6dadcULL,
	0xf5c4dcc4eef2f4d2ULL, 0xd04e4c45a3e68142ULL, 0x0351a10f8a7492c3ULL,
	0xaa6fb3499d8a002cULL, 0xa557bbc82a1e8051ULL, 0xd8991283c23dadeeULL,
	0x4a029822aa704b00ULL, 0x5e6413ea7f342624ULL, 0x475bbe1a7be1a5a0ULL,
	0xa76b5990060bbd1cULL, 0x6a5652cfc2ef80f5ULL, 0xdd44fb4c77561d40ULL,
	0x5e582efb53084a45ULL, 0xa5d8327e1966347bULL, 0x01b703f6563f60ccULL,
	0xed17413aa4a390c2ULL, 0x2803db12188b8050ULL, 0x59fde08615eba507ULL,
	0xb23faf4becc2b96dULL, 0x578b4e0aa58370dcULL, 0xf2a87e26bd5c9ad6ULL,
	0x30b599e457085edaULL, 0x3f28f6c5ae4a78e4ULL, 0x1eb22dc1c8ad04a6ULL,
	0x368f92a5718a919dULL, 0x55e1a64e1fa5f4d1ULL, 0x121df1d230e3657cULL,
	0xd6b7a2725913ab34ULL, 0x54b382f07fba5a9aULL, 0x0b468737e7af77dcULL,
	0x9b91c2ce3ce393cdULL, 0xbc2e587312378399ULL, 0x832bad20805229cdULL,
	0x5ee213e016f1ae1fULL, 0x732ffc81a8f91559ULL, 0xd9aa92ab4f36ef36ULL,
	0x699fb695bff6d3b6ULL, 0xc1397a0dee48e535ULL, 0x869441f35aa18aaeULL,
	0x7a74d1813a054702ULL, 0x0d90a3eac539cbb0ULL, 0xfd3faabed83eb50bULL,
	0x6550c32769d30229ULL, 0x2190c129b03f2ecdULL, 0x702881632ee4559fULL,
	0x65bf651618d96230ULL, 0xdb1a83deebb93bc4ULL, 0x8d85aac213b305c6ULL,
	0xecf4f8e9ca1de75dULL, 0xa411f50ff6c97d15ULL, 0x2a57ebf6e69023aeULL,
	0x723e9c5ff7ccb1a7ULL, 0x30e4b68b1f3cb28eULL, 0x27bd397ff077381aULL,
	0xf8d39fbf5d6f37d1ULL, 0x7b78b913a7326ffcULL, 0x2d966dfaf6f05963ULL,
	0xd16afca01284ca4bULL, 0x17a5e809b92c8598ULL, 0x8a59f10304976733ULL,
	0x1d208a19eb55fe9dULL, 0xec77ba99042f9cdfULL, 0x502648c06df7801fULL,
	0xce7fbd0ba46e6124ULL, 0xa93f022e007fde2bULL, 0x3f149a8006a3fe08ULL,
	0xee37c7bb200901caULL, 0xd0d6c27999ff5509ULL, 0x28cab77ce5cf2633ULL,
	0x7d5f14547100e226ULL, 0xfd68e0357b2575c7ULL, 0x3eba64baa650b410ULL,
	0x8490544b90bd2c5eULL, 0xb82cdafc51ca2260ULL, 0x54545d0016f83e37ULL,
	0x0ea061c40a7f753aULL, 0x53507aab4ddc76cfULL, 0x2538de9df86ac66eULL,
	0x38e52c0d85dfbae5ULL, 0xe33f904a6cb579a5ULL, 0x1f61e42ccf4b2b5eULL,
	0xd7a43941f8cd122fULL, 0xbe2af6dca7b1b48aULL, 0x29f5f2600aca97c8ULL,
	0xcbf37c0dbafa29c5ULL, 0x2fa027742e543491ULL, 0x917b850963593f21ULL,
	0x6c07302a53c92b1fULL, 0xf1a1b772c203d2caULL, 0x76cfef8e24314fd5ULL,
	0x0d0f7cd527b4ccd5ULL, 0xb533177a686ab7ffULL, 0xf23359099abb6016ULL,
	0x344c4072c2d0fab7ULL, 0xdd78ab360aab3314ULL, 0xbd537221bb5dedd2ULL,
	0x0a0708175ca4b4daULL, 0xc8a992b17ed1ee06ULL, 0xcd47dd4f5ae3ff33ULL,
	0x95cd847b281c181fULL, 0xd17a443c5bbdee60ULL, 0x67def5d12b6c5946ULL,
	0x82874568dc7832afULL, 0x4d8c768902e95035ULL, 0xf1577caee4802ce9ULL,
	0xa2628ec63038958dULL, 0xd30f7b24dbe5727eULL, 0x682b90c00b01a97dULL,
	0x4c75837232672b3aULL, 0x791c48ef583484ebULL, 0x8934fb6bf3c676faULL,
	0x78fa8558af868f21ULL, 0xa6d309bae2a08b0cULL, 0x54f218e26a279038ULL,
	0xf08f25d44a307101ULL, 0x4700a9575860ed81ULL, 0x53cb1cee598f7773ULL,
	0x9fc3b73c7580e939ULL, 0x2de00ea4b53d4baaULL, 0xde6d0455981e0dadULL,
	0x87707edcb8b1e844ULL, 0x621a26061c36144fULL, 0xa00269af1789ee9eULL,
	0x494b57291e4eaba4ULL, 0xde66edc1221380faULL, 0x378e754e57ffa4f3ULL,
	0x7f6e820db14f8a4cULL, 0x25b9ee486e3ec121ULL, 0xd76d26d9e5347febULL,
	0x6f033d65c6c6a509ULL, 0xee28be6ce327fab6ULL, 0x9d46bdf5180697e8ULL,
	0x655561a9a63983a9ULL, 0x7fb3f81bc91fc127ULL, 0x2272c755af399587ULL,
	0xa5ca5af666c45b57ULL, 0x2b8e572b7d639f82ULL, 0xe6eaf1978834f197ULL,
	0x2ddaa3978c0c4232ULL, 0xfc0a523387b09673ULL, 0x301acad5ffdbb583ULL,
	0x24daaac1e2d497d8ULL, 0x77c3d1846a9ffae6ULL, 0x4a3c647216c47318ULL,
	0xa8030719a4871760ULL, 0xfeec77f7ffe5f9beULL, 0x865dc12d879e01cbULL,
	0x8ab9d837b16a2a48ULL, 0x655154b96a81dff9ULL, 0xe3531f361fab314fULL,
	0x07c17bbae9964a10ULL, 0x059557571cecf288ULL, 0x87332397ffeb7f4bULL,
	0x5bb0be4a7ade84cfULL, 0x3cab5795790f1896ULL, 0xab6c8a5dbed8b910ULL,
	0x516a3c23ce8f81d6ULL, 0xc902c756a56c0dfdULL, 0x573626ec72183735ULL,
	0xe681065b54112a75ULL, 0xe99736cdfbd55aa0ULL, 0x33164cafba4f258dULL,
	0xadc175cecad7f52eULL, 0x8b395e75c1342af2ULL, 0x8e76e5659a22865aULL,
	0xa7d798a7c30975ddULL, 0x14dc54ca24268c61ULL, 0xc635a6b4dea7db49ULL,
	0x81cae89d9d643f9eULL, 0xc9e1055a7d750ba7ULL, 0x239ada9d9c66286cULL,
	0x89d3c33a51f68dfdULL, 0x62e992dd1389b267ULL, 0x6a04fe1554b4b043ULL,
	0x7da9c513b31a1e93ULL, 0x5ba24e57fd7a6584ULL, 0xd90177f81675dbdfULL,
	0x5174f738d88dccaaULL, 0xa3a9e438fd429ea0ULL, 0xe2db4eda0572eebfULL,
	0x5eccdf6ee2a8f40aULL, 0x9770b51827522fa5ULL, 0x39cce355130a23ddULL,
	0xf342c0087cffe940ULL, 0xd18ca5a4de8ae7cdULL, 0xfabbebb569ff4de2ULL,
	0x0ca1d30bb1abc2eaULL, 0x6dc2abaf002e01dfULL, 0x2a1329553d94be3dULL,
	0x15c62d65bbb6cf77ULL, 0xb94975c47ac52f5eULL, 0x6973d5cc6ece8db6ULL,
	0x185f7b9c8281dfaeULL, 0x5f12b7066f7a7773ULL, 0xa2d6220e930fe584ULL,
	0x7e6acf6dea95733aULL, 0x3b753fe5558d3cbdULL, 0xa8977b70a74a04ccULL,
	0x2778e46889945246ULL, 0x230e9b54e0c50b1fULL, 0x4a569f47d916c86eULL,
	0xb587418547c09781ULL, 0xf8d510f31cbd8521ULL, 0xd40aaa64ea089467ULL,
	0x4b443e103bfcaf58ULL,
};

/* Bytes of a chunk hashed before its first cut-point candidate: the window. */
#define WINDOW 64u

_Static_assert(AU_CDC_MIN > WINDOW && AU_CDC_MIN < AU_CDC_AVG &&
    AU_CDC_AVG < AU_CDC_MAX, "chunk size parameters out of order");

void
au_cdc_init(struct au_cdc *c)
{
	c->fp = 0;
	c->n = 0;
}

/* Bytes at the start of buf that cannot reach fp by the first cut-point
 * candidate (cdc.h): not hashed; fp stays 0 while they pass. */
static size_t
skip(uint64_t nb, size_t len)
{
	uint64_t room;

	if (nb >= AU_CDC_MIN - WINDOW)
		return 0;
	room = AU_CDC_MIN - WINDOW - nb;
	return room < len ? (size_t)room : len;
}

/* The index j in buf of the first byte at which the chunk reaches `size`
 * bytes (nb bytes before buf: buf[j] makes it nb + j + 1); at most len. */
static size_t
until(uint64_t nb, uint64_t size, size_t len)
{
	uint64_t j = nb + 1 >= size ? 0 : size - 1 - nb;

	return j < len ? (size_t)j : len;
}

/*
 * The rule of cdc.h in three loops, one per range of n, so that the loop
 * over bytes tests one mask and nothing else (~1.5x faster than one loop
 * choosing the mask by n at each byte): no test before AU_CDC_MIN, MASK_S
 * up to AU_CDC_AVG, MASK_L up to AU_CDC_MAX, then the forced cut.
 */
size_t
au_cdc_scan(struct au_cdc *c, const uint8_t *buf, size_t len, int *cut)
{
	uint64_t nb = c->n, fp;
	size_t i, e;

	*cut = 0;
	i = skip(nb, len);
	fp = c->fp;
	for (e = until(nb, AU_CDC_MIN, len); i < e; i++)
		fp = (fp << 1) + au_cdc_gear[buf[i]];
	for (e = until(nb, AU_CDC_AVG, len); i < e; i++) {
		fp = (fp << 1) + au_cdc_gear[buf[i]];
		if ((fp & AU_CDC_MASK_S) == 0)
			goto cut;
	}
	for (e = until(nb, AU_CDC_MAX, len); i < e; i++) {
		fp = (fp << 1) + au_cdc_gear[buf[i]];
		if ((fp & AU_CDC_MASK_L) == 0)
			goto cut;
	}
	if (i < len)		/* buf[i] is the AU_CDC_MAX-th byte */
		goto cut;
	c->fp = fp;
	c->n = nb + len;
	return len;
cut:
	au_cdc_init(c);
	*cut = 1;
	return i + 1;
}
