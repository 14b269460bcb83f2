import BounceKB
