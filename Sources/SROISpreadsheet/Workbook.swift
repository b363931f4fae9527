import ZIPFoundation
import XMLCoder
