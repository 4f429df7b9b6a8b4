# mk/linux.mk - the kernel base a make builds for, shared by the top-level
# Makefile and mk/kernel.mk: LINUX=6.12 (Debian 12's linux-source-6.12,
# the default) or LINUX=7.3 (trixie-backports' linux-source-7.3).  Each
# base's images go to a directory of their own, 6.12's where they always
# were.  Needs CACHE.
LINUX ?= 6.12
ifeq ($(filter 6.12 7.3,$(LINUX)),)
$(error LINUX=$(LINUX): 6.12 or 7.3)
endif
# images_of BASE: the images directory of BASE
images_of = $(CACHE)/images$(filter-out -6.12,-$(1))
IMAGES := $(call images_of,$(LINUX))
