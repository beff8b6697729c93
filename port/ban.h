/* SPDX-License-Identifier: ISC */
/* port/ban.h - functions the project never calls.  Include last in each .c. */
#ifndef AU_BAN_H
#define AU_BAN_H
#undef strcpy
#define strcpy(a, b) AU_BANNED_strcpy
#undef strcat
#define strcat(a, b) AU_BANNED_strcat
#undef sprintf
#define sprintf(...) AU_BANNED_sprintf
#undef vsprintf
#define vsprintf(...) AU_BANNED_vsprintf
#undef strtok
#define strtok(a, b) AU_BANNED_strtok
#undef gmtime
#define gmtime(a) AU_BANNED_gmtime
#undef localtime
#define localtime(a) AU_BANNED_localtime
#undef atoi
#define atoi(a) AU_BANNED_atoi
#undef atol
#define atol(a) AU_BANNED_atol
#undef gets
#define gets(a) AU_BANNED_gets
#undef strncpy
#define strncpy(a, b, c) AU_BANNED_strncpy
#endif
