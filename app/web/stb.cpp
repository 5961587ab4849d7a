// The stb functions the figures use, compiled here: on the desktop they come from Debian's libstb, whose
// headers (libstb-dev) the web build includes too, so a PNG export is the same bytes in both.
#define STB_TRUETYPE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#include <stb/stb_truetype.h>
