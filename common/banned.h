/*
 * banned.h -- functions that invite overflows; using one is a compile error.
 */
#ifndef SG_BANNED_H
#define SG_BANNED_H

#define SG_BANNED(func) sorry_##func##_is_banned_use_sg_buf

#undef strcpy
#define strcpy(x, y) SG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SG_BANNED(strcat)
#undef sprintf
#define sprintf(...) SG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SG_BANNED(strtok)
#undef atoi
#define atoi(x) SG_BANNED(atoi)

#endif
