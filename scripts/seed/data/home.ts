import { opts, packs, type RootCategory } from './types.ts';

const roomSizes = opts('size', ['Small', 'Medium', 'Large'], [1, 1.4, 1.9]);

export const home: RootCategory = {
  slug: 'home-living',
  name: 'Home & Living',
  code: 'HOME',
  children: [
    {
      slug: 'kitchen-dining',
      name: 'Kitchen & Dining',
      code: 'KIT',
      count: 44,
      price: [390, 19900],
      lines: [
        { brands: ['Phin Saigon'], items: ['Stainless Steel Phin Filter', 'Aluminium Phin Filter'], price: [590, 1990], attrs: { origin: 'Vietnam' } },
        { brands: ['Lock&Lock'], items: ['Glass Food Container Set', 'Insulated Tumbler 500ml', 'Lunch Box 3-Compartment'], price: [1290, 4990] },
        { brands: ['Tefal'], items: ['Non-Stick Wok 28cm', 'Frying Pan 24cm', 'Saucepan 18cm'], price: [2990, 11900] },
        {
          brands: ['Dapur Nenek'],
          items: ['Granite Mortar and Pestle', 'Bamboo Rice Steamer', 'Claypot 1.5L', 'Wooden Spatula Set', 'Rattan Food Cover'],
          price: [390, 4990],
        },
        { brands: ['Zebra'], items: ['Tiffin Carrier 3-Tier', 'Stainless Steel Pot 24cm', 'Rice Pot 26cm'], price: [1990, 8990], attrs: { origin: 'Thailand' } },
      ],
      variants: [packs(['Single', 'Set of 2'], [1, 1.8]), opts('color', ['Natural', 'Charcoal', 'Sage Green'])],
      descriptions: [
        '{name}, a kitchen essential for home-cooked rendang, pho and nasi lemak.',
        'The {brand} {item}: sturdy, easy to clean and made to last.',
        'Cook and serve like a Southeast Asian home kitchen with the {brand} {item}.',
      ],
      extras: ['Dishwasher safe.', 'Food-grade, BPA-free materials.'],
    },
    {
      slug: 'home-appliances',
      name: 'Home Appliances',
      code: 'APL',
      count: 40,
      price: [1990, 89900],
      lines: [
        { brands: ['Xiaomi'], items: ['Robot Vacuum S10', 'Smart Air Purifier 4 Compact', 'Smart Standing Fan 2'], price: [9990, 49900] },
        { brands: ['Panasonic', 'Philips'], items: ['Steam Iron', 'Hair Dryer', 'Hand Blender'], price: [2990, 6990] },
        { brands: ['Panasonic', 'Philips'], items: ['Rice Cooker 1.8L', 'Air Fryer 4.1L', 'Garment Steamer'], price: [8990, 24900] },
        { brands: ['Sharp'], items: ['Plasmacluster Air Purifier', 'Microwave Oven 20L'], price: [12900, 59900] },
        { brands: ['Toshiba'], items: ['Digital Rice Cooker 1L', 'Inverter Microwave 25L'], price: [8990, 39900] },
        { brands: ['Khind'], items: ['Stand Fan 16 inch', 'Electric Kettle 1.7L', 'Evaporative Air Cooler'], price: [1990, 19900] },
        { brands: ['Cosmos'], items: ['Rice Cooker 2L', 'Personal Blender'], price: [1990, 6990] },
      ],
      variants: [
        opts('color', ['White', 'Black', 'Grey']),
        [
          { label: '', attrs: { warranty: '1 year' } },
          { label: 'Extended Warranty Bundle', attrs: { warranty: '3 years' }, factor: 1.15 },
        ],
      ],
      attrs: { plug: 'Type G (SG/MY)', voltage: '230V' },
      descriptions: [
        '{name}, energy-efficient and quiet enough for HDB flats and condos.',
        'The {brand} {item} makes daily chores quicker with one-touch controls.',
        'A reliable {brand} appliance with local service centres across the region.',
      ],
      extras: ['Energy label: 3 ticks.', 'Free delivery and installation for bulky items.'],
    },
    {
      slug: 'bedding-bath',
      name: 'Bedding & Bath',
      code: 'BED',
      count: 40,
      price: [990, 29900],
      lines: [
        {
          brands: ['Akemi', 'Tidur Lena', 'Kapas Home'],
          items: ['Cotton Fitted Sheet Set', 'Bamboo Pillow', 'Batik Cotton Quilt', 'Kapok Pillow', 'Cooling Bolster'],
          price: [1990, 12900],
          variants: [opts('bedSize', ['Single', 'Queen', 'King'], [1, 1.3, 1.5]), opts('color', ['White', 'Grey', 'Sage', 'Navy'])],
        },
        {
          brands: ['Kapas Home', 'Ikat House'],
          items: ['Microfibre Bath Towel', 'Cotton Bath Mat', 'Hand Towel Set'],
          price: [990, 4990],
        },
      ],
      variants: [opts('color', ['White', 'Grey', 'Sage', 'Navy', 'Terracotta'])],
      descriptions: [
        '{name}, soft and breathable for warm tropical nights.',
        'The {brand} {item} in a natural fibre that stays cool and dries fast.',
        'Sleep and bathe better with {brand}: a {item} made for humid climates.',
      ],
      extras: ['Wash before first use.', 'OEKO-TEX certified fabric.'],
    },
    {
      slug: 'home-decor',
      name: 'Home Decor',
      code: 'DEC',
      count: 40,
      price: [990, 39900],
      lines: [
        { brands: ['Rattan Republic'], items: ['Rattan Pendant Lamp', 'Rattan Laundry Basket', 'Rattan Wall Mirror'], price: [2990, 39900] },
        { brands: ['Kayu Craft'], items: ['Teak Serving Tray', 'Floating Wall Shelf', 'Carved Wooden Bowl', 'Coaster Set'], price: [1990, 19900] },
        { brands: ['Bali Living'], items: ['Macrame Wall Hanging', 'Frangipani Scented Candle', 'Lemongrass Reed Diffuser', 'Woven Placemat Set'], price: [990, 7990] },
        { brands: ['Siam Celadon'], items: ['Celadon Vase', 'Celadon Tea Set'], price: [2990, 19900], attrs: { origin: 'Thailand' } },
        { brands: ['Bat Trang Pottery'], items: ['Glazed Ceramic Planter', 'Blue-and-White Vase'], price: [1990, 14900], attrs: { origin: 'Vietnam' } },
      ],
      variants: [roomSizes],
      descriptions: [
        '{name}, handmade by craftspeople using local natural materials.',
        'The {brand} {item} brings a warm, tropical touch to any room.',
        'A {item} from {brand}: simple lines, natural textures and plenty of character.',
      ],
      extras: ['Each piece is unique; small variations are part of its charm.', 'Wrapped carefully for shipping.'],
    },
  ],
};
